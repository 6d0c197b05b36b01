"""Issue 12 on the referral pages: every edit page refuses a stale save the same way (their newer value shown, the
typed value kept), and every create form posted twice with one token makes one record and redirects to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from referrals.models import ConcernType, Referral, ReferralEvent, SignpostService
from referrals.selectors import routing_settings_get
from referrals.services.configuration import list_item_update, routing_settings_update
from referrals.services.making import referral_update_draft
from referrals.services.triage import referral_assign
from tests.accounts.factories import TeamFactory
from tests.channel.factories import PanelFactory
from tests.referrals.factories import DraftReferralFactory, ReferralFactory
from tests.support.nothing_lost import assert_stale_page, posted_twice

pytestmark = pytest.mark.django_db


def test_a_stale_draft_page_shows_their_name_and_keeps_mine(client_for, dsl):
    draft = DraftReferralFactory(created_by=dsl, first_name="")
    opened = draft.version
    referral_update_draft(
        referral=draft, actor=dsl, step="person", data={"first_name": "Theirname"}, expected_version=opened
    )
    response = client_for(dsl).post(
        reverse("referrals:step", args=[draft.pk, "person"]), {"first_name": "Myname", "version": opened, "draft": "1"}
    )
    assert_stale_page(response, theirs="Theirname", typed="Myname")


def test_a_stale_decision_shows_their_reasons_and_keeps_mine(client_for, coordinator, csc_practitioner, team):
    referral = ReferralFactory(assigned_team=team)
    opened = referral.version
    # Someone else saves the referral (an assignment) after the decision page was opened.
    referral_assign(referral=referral, actor=coordinator, team=team, assignee=None, expected_version=opened)
    response = client_for(csc_practitioner).post(
        reverse("referrals:decide", args=[referral.pk]),
        {
            "decision": "nfa",
            "decision_notes": "My careful reasons",
            "version": opened,
            "confirm": "1",
            "unscreened_reason": "Urgent.",
        },
    )
    # The decision's own fields are what the page shows of their save: still no decision.
    assert_stale_page(response, theirs="What they saved", typed="My careful reasons")
    assert Referral.objects.get(pk=referral.pk).decision == ""


def test_a_stale_assignment_shows_their_team_and_keeps_mine(client_for, coordinator, team):
    referral = ReferralFactory()
    theirs, mine = TeamFactory(name="Their Team"), team
    opened = referral.version
    referral_assign(referral=referral, actor=coordinator, team=theirs, assignee=None, expected_version=opened)
    response = client_for(coordinator).post(
        reverse("referrals:assign", args=[referral.pk]), {"assigned_team": mine.pk, "version": opened}
    )
    assert_stale_page(response, theirs="Their Team", typed=f'value="{mine.pk}" selected')
    assert Referral.objects.get(pk=referral.pk).assigned_team == theirs


def test_a_stale_list_row_shows_their_wording_and_keeps_mine(client_for, coordinator):
    item = ConcernType.objects.order_by("pk").first()
    opened = item.version
    list_item_update(item=item, actor=coordinator, data={"label": "Their wording"}, expected_version=opened)
    response = client_for(coordinator).post(
        reverse("referrals:list_item_edit", args=["concern-types", item.pk]),
        {"label": "My wording", "order": "10", "version": opened},
    )
    assert_stale_page(response, theirs="Their wording", typed="My wording")


def test_a_stale_routing_save_shows_their_target_and_keeps_mine(client_for, coordinator):
    opened = routing_settings_get().version
    routing_settings_update(
        actor=coordinator, under_18_panel=None, adult_panel=None, triage_target_days=17, expected_version=opened
    )
    response = client_for(coordinator).post(
        reverse("referrals:settings"), {"triage_target_days": "23", "version": opened, "adult_panel": PanelFactory().pk}
    )
    assert_stale_page(response, theirs="17", typed='value="23"')
    assert routing_settings_get().triage_target_days == 17


def test_a_double_click_on_start_starts_one_draft(client_for, dsl):
    response = posted_twice(client_for(dsl), reverse("referrals:start"), {}, Referral)
    assert str(Referral.objects.latest("pk").pk) in response.url


def test_a_note_posted_twice_is_added_once(client_for, coordinator):
    referral = ReferralFactory()
    url = reverse("referrals:note_add", args=[referral.pk])
    posted_twice(client_for(coordinator), url, {"kind": "note", "text": "Once"}, ReferralEvent)


def test_a_list_row_posted_twice_is_added_once(client_for, coordinator):
    url = reverse("referrals:list_item_add", args=["services"])
    data = {"label": "Boxing club", "order": "5", "is_active": "on"}
    posted_twice(client_for(coordinator), url, data, SignpostService)
