"""Cases under the retention schedule (core/retention.py): what anonymising a case removes and the rule that
finds cases whose time is up.

A case's clock starts when it leaves the programme: its exit (including a transfer to another area, recorded as
an exit with the outcome "Moved away") or, for a case the panel did not adopt, its closing. A case under a legal
hold in force that day is skipped, and taken up on the first night after the hold ends or is lifted.

Anonymising keeps what the statistics count (every stage date, the panel, stage, exit outcome, consent answers
and their dates, assessment ratings, support kinds and dates, reviews' dates and findings, agenda reasons and
decisions) and removes what identifies: names and every free text on the case and its rows, the support
provider's name, the chronology's text, the panel's minutes about the case, and the person's name wherever it
appears in a meeting's general minutes. The referral it came from is anonymised with it."""

from __future__ import annotations

import re

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.attachments import attachments_delete
from core.retention import REMOVED, Cutoff, RetentionRule, anonymise

from .models.assessments import Assessment, AssessmentRating
from .models.cases import (
    AFTER_EXIT_STAGES,
    Case,
    CaseEntry,
    CaseReview,
    ConsentRecord,
    LegalHold,
    Stage,
    SupportItem,
)
from .models.meetings import Action, AgendaItem, Meeting

NAME_REMOVED = "[name removed]"


def names_redact(text: str, *, first_name: str, last_name: str) -> str:
    """The person's full name in any case, and each of their names as written, capitalised or in capitals,
    replaced: a first name like "May" is not taken out of "may" in other sentences (it is out of "in May")."""
    if first_name and last_name:
        full = re.escape(f"{first_name} {last_name}")
        text = re.sub(rf"\b{full}\b", NAME_REMOVED, text, flags=re.IGNORECASE)
    for name in (first_name, last_name):
        if len(name) >= 2:
            for form in dict.fromkeys((name, name[:1].upper() + name[1:], name.upper())):
                text = re.sub(rf"\b{re.escape(form)}\b", NAME_REMOVED, text)
    return text


def case_anonymise(case: Case) -> None:
    referral = case.referral
    first_name, last_name = referral.first_name.strip(), referral.last_name.strip()
    Case.objects.filter(pk=case.pk).update(
        # The constraint wants a reason on a case not adopted: the reason is kept as removed, not as empty.
        not_adopted_reason=REMOVED if case.not_adopted_reason else "",
        exit_notes="",
        anonymised_at=timezone.now(),
        version=F("version") + 1,
    )
    ConsentRecord.objects.filter(case=case).update(given_by_name="", notes="")
    Assessment.objects.filter(case=case).update(summary="")
    AssessmentRating.objects.filter(assessment__case=case).update(rationale="")
    SupportItem.objects.filter(case=case).update(provider=REMOVED, description="", version=F("version") + 1)
    CaseReview.objects.filter(case=case).update(notes="")
    CaseEntry.objects.filter(case=case).retention_redact(text="")
    AgendaItem.objects.filter(case=case).update(minutes="", decision_notes="")
    Action.objects.filter(case=case).update(description=REMOVED, version=F("version") + 1)
    # General minutes cover every case of a meeting: only the person's name comes out of them.
    for meeting in Meeting.objects.filter(items__case=case).exclude(notes="").distinct():
        redacted = names_redact(meeting.notes, first_name=first_name, last_name=last_name)
        if redacted != meeting.notes:
            Meeting.objects.filter(pk=meeting.pk).update(notes=redacted, version=F("version") + 1)
    anonymise(referral)


def case_attachments_delete(case: Case) -> None:
    """The files on the case and on its chronology's entries, rows and stored bytes."""
    attachments_delete(on=[(Case, [case.pk]), (CaseEntry, CaseEntry.objects.filter(case=case).values("pk"))])


def holds_in_force(*, on: object) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True, until__gte=on)


def cases_due(cutoff: Cutoff) -> QuerySet[Case]:
    return (
        Case.objects.filter(anonymised_at__isnull=True)
        .filter(Q(stage__in=AFTER_EXIT_STAGES) | Q(stage=Stage.NOT_ADOPTED))
        .alias(left_on=Coalesce("exited_on", "closed_on"))
        .filter(left_on__lt=cutoff.day)
        .exclude(Exists(holds_in_force(on=cutoff.today).filter(case=OuterRef("pk"))))
    )


RULES = (
    RetentionRule(
        key="cases",
        label="Panel cases",
        period_field="case_years",
        unit="years",
        starts="after exit or transfer",
        outcome="anonymised",
        due=cases_due,
        act=anonymise,
        order=10,
    ),
)
