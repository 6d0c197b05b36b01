"""The referrals part of each role's home page: what needs each of them today."""

from __future__ import annotations

from typing import Any

from accounts.permissions import access_for
from accounts.roles import Role
from core.registry import HomeSection

from .models import Status
from .selectors import (
    referral_awaiting_confirmation_by,
    referral_drafts_of,
    referral_list_visible_to,
    referral_queue_counts,
)

SHOWN = 5


def home_sections(*, user: Any) -> list[HomeSection]:
    access = access_for(user)
    sections: list[HomeSection] = []
    if access.has(Role.COORDINATOR):
        sections.append(
            HomeSection(
                "Referrals",
                "referrals/home_coordinator.html",
                {
                    # The queue's own tab counts (counts the database keeps, overdue counted live): the same
                    # figures as the tabs these link to, as a coordinator triages every submitted referral.
                    "counts": referral_queue_counts(user=user),
                    "to_confirm": list(referral_awaiting_confirmation_by(user=user)[:SHOWN]),
                },
                order=4,
            )
        )
    elif access.team_ids:
        visible = referral_list_visible_to(user=user).filter(assigned_team_id__in=access.team_ids)
        context = {
            "counts": referral_queue_counts(user=user),
            "referrals": list(
                visible.filter(status__in=[Status.NEW, Status.SCREENING, Status.AWAITING_INFORMATION])[:SHOWN]
            ),
        }
        sections.append(HomeSection("Your team's referrals", "referrals/home_queue.html", context, order=20))
    if access.school_ids:
        school_referrals = (
            referral_list_visible_to(user=user).filter(school_id__in=access.school_ids).exclude(status=Status.DRAFT)
        )
        context = {"referrals": list(school_referrals[:SHOWN]), "drafts": list(referral_drafts_of(user=user)[:3])}
        sections.append(HomeSection("Your school's referrals", "referrals/home_status.html", context, order=15))
    elif access.has(Role.ADVISER):
        made = referral_list_visible_to(user=user).filter(created_by=user).exclude(status=Status.DRAFT)
        context = {"referrals": list(made[:SHOWN]), "drafts": list(referral_drafts_of(user=user)[:3])}
        sections.append(HomeSection("Referrals you made", "referrals/home_status.html", context, order=40))
    return sections
