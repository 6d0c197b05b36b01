"""A known dataset for the report tests: schools by tier, visits, and referrals with chosen counts."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from django.utils import timezone

PERIOD = (date(2026, 4, 1), date(2026, 9, 30))

# 23 referrals in the period. Sector, gender and decision of each, chosen so that several counts are 1 to 4.
SECTORS = {"education": 12, "police": 3, "health": 7, "community": 1}
GENDERS = ["male"] * 14 + ["female"] * 9
DECISIONS = ["nfa"] * 8 + ["signposted"] * 6 + ["panel_under_18"] * 5 + [""] * 4
AGES = [9, 12, 12, 13, 14, 14, 15, 15, 15, 16, 17, 19, 22, 25, 28, 33, 35, 44, 45, 46, 50, 61, 70]


def make_schools() -> None:
    from tests.schools.factories import SchoolFactory

    for tier, n in (("universal", 6), ("specialist", 3), ("intensive", 1)):
        for _ in range(n):
            SchoolFactory(support_tier=tier)


def make_referrals() -> None:
    from tests.accounts.factories import UserFactory
    from tests.referrals.factories import ReferralFactory

    referrer = UserFactory()
    sectors = [s for s, n in SECTORS.items() for _ in range(n)]
    for i in range(23):
        day = date(2026, 4 + i % 6, 1 + i)
        ReferralFactory(
            created_by=referrer,
            referrer_sector=sectors[i],
            gender=GENDERS[i],
            decision=DECISIONS[i],
            age_at_referral=AGES[i],
            submitted_on=day,
            submitted_at=timezone.make_aware(datetime(day.year, day.month, day.day, 10)),
        )
    # One outside the period, which no figure may count.
    ReferralFactory(
        created_by=referrer, submitted_on=date(2026, 10, 2), submitted_at=timezone.make_aware(datetime(2026, 10, 2, 10))
    )


def make_dataset() -> None:
    make_schools()
    make_referrals()


def pdf_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_layout_text(pdf: bytes) -> str:
    """The text laid out as on the page (pypdf's layout mode), so each table row reads on one line with its
    cells apart; no system tool needed."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text(extraction_mode="layout") for page in PdfReader(io.BytesIO(pdf)).pages)


def row_numbers(text: str, label: str) -> list[list[str]]:
    """The figures on every line that starts with `label` (figures are the whitespace-separated cells after it)."""
    rows = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(label + " ") and re.match(r"^\s{2,}", stripped[len(label) :]):
            rows.append(stripped[len(label) :].split())
    return rows


def section_text(text: str, heading: str) -> str:
    """The text of one numbered section: from its heading (after the contents page) to the next section."""
    start = text.rindex(heading)
    following = re.search(r"\n\s*\d+\. [A-Z]", text[start + len(heading) :])
    return text[start : start + len(heading) + following.start()] if following else text[start:]


def make_cases() -> None:
    """Cases for the five referrals sent to panel: four adopted (one left with concerns reduced, one withdrew,
    two still supported) and one not adopted."""
    from datetime import date

    from channel.models.cases import Case, ExitOutcome, Stage
    from referrals.models import Referral
    from tests.channel.factories import CaseFactory

    referrals = list(Referral.objects.filter(decision="panel_under_18").order_by("pk"))
    plan = [
        (Stage.EXITED, ExitOutcome.CONCERNS_REDUCED),
        (Stage.EXITED, ExitOutcome.WITHDREW_CONSENT),
        (Stage.SUPPORT, ""),
        (Stage.SUPPORT, ""),
        (Stage.NOT_ADOPTED, ""),
    ]
    for referral, (stage, outcome) in zip(referrals, plan, strict=True):
        case = CaseFactory(referral=referral)
        day = date(2026, 9, 1)
        Case.objects.filter(pk=case.pk).update(
            stage=stage,
            discussed_on=day,
            adopted_on=None if stage == Stage.NOT_ADOPTED else day,
            support_started_on=day if stage != Stage.NOT_ADOPTED else None,
            exited_on=day if stage == Stage.EXITED else None,
            exit_outcome=outcome,
            not_adopted_reason="Needs met by early help." if stage == Stage.NOT_ADOPTED else "",
        )
