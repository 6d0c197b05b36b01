"""What a subject access bundle holds about one person: every record, read whole, grouped into the bundle's parts,
and the names of other people found in them. Reads only; the worker calls `bundle_parts`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

from channel.models.assessments import Assessment, AssessmentRating
from channel.models.cases import Case, CaseEntry, CaseReview, ConsentRecord, SupportItem
from channel.models.meetings import AgendaItem, Meeting
from core.models import Attachment, AuditEvent
from people.models import Person
from people.selectors import person_group
from referrals.models import Referral, ReferralEvent, ScreeningAnswer

from .models import SubjectAccessRequest

# Never shown in the bundle: keys, versions and bookkeeping that say nothing about the person.
HIDDEN = {"id", "version", "person", "name_key", "phonetic_key", "claimed_by", "claimed_until"}
# Audit actions that are a person reading the record.
READS = ("referrals.referral_viewed", "channel.case_viewed", "core.attachment_downloaded")


@dataclass
class Record:
    title: str
    rows: list[tuple[str, str]]


@dataclass
class Part:
    key: str
    heading: str
    records: list[Record] = field(default_factory=list)


@dataclass
class Bundle:
    parts: list[Part]
    attachments: list[Attachment]
    third_parties: list[str]


def _shown(obj: models.Model, field_: models.Field[Any, Any]) -> str:
    if isinstance(field_, models.ForeignKey):
        related = getattr(obj, field_.name)
        return "" if related is None else str(related)
    if field_.choices:
        return str(getattr(obj, f"get_{field_.name}_display")())
    value = getattr(obj, field_.attname)
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def as_record(obj: models.Model, title: str, *, skip: tuple[str, ...] = ()) -> Record:
    """Every filled-in field of `obj`, by its label: the answers as held."""
    rows = []
    for field_ in obj._meta.concrete_fields:
        if field_.name in HIDDEN or field_.name in skip or isinstance(field_, models.BinaryField):
            continue
        shown = _shown(obj, field_)
        if shown:
            rows.append((str(field_.verbose_name).capitalize(), shown))
    return Record(title, rows)


def mentions(text: str, names: set[str]) -> list[str]:
    """The sentences of `text` that name the person (any of their names, as a word): general minutes cover every
    case of a meeting, and the rest is about other people."""
    found = []
    for paragraph in re.split(r"(?<=[.!?])\s+|\n", text):
        if any(re.search(rf"\b{re.escape(name)}\b", paragraph, flags=re.IGNORECASE) for name in names):
            found.append(paragraph.strip())
    return [p for p in found if p]


def _who(user: Any) -> str:
    return "" if user is None else str(user)


def bundle_parts(person: Person) -> Bundle:
    group = person_group(person)
    referrals = list(Referral.objects.filter(person__in=group).select_related("school").order_by("created_at", "pk"))
    cases = list(Case.objects.filter(referral__in=referrals).select_related("panel", "case_officer", "referral"))
    names = {n for r in referrals for n in (r.first_name.strip(), r.last_name.strip()) if len(n) >= 2}
    names |= {n for n in (person.first_name.strip(), person.last_name.strip()) if len(n) >= 2}
    third: set[str] = set()

    def staff(*users: Any) -> None:
        third.update(_who(u) for u in users if u is not None)

    part_referrals = Part("referrals", "Referrals and their answers")
    for referral in referrals:
        part_referrals.records.append(as_record(referral, f"Referral {referral.reference}"))
        third.update(n for n in (referral.referrer_name,) if n)
        for answer in ScreeningAnswer.objects.filter(referral=referral).select_related("question", "answered_by"):
            part_referrals.records.append(as_record(answer, f"Screening answer ({referral.reference})"))
            staff(answer.answered_by)
        for event in ReferralEvent.objects.filter(referral=referral).select_related("actor"):
            part_referrals.records.append(as_record(event, f"Timeline ({referral.reference})"))
            staff(event.actor)
    part_cases = Part("cases", "Panel cases")
    part_chronology = Part("chronology", "Chronology")
    part_assessments = Part("assessments", "Assessments")
    part_consent = Part("consent", "Consent")
    part_support = Part("support", "Support")
    part_minutes = Part("minutes", "Meeting minutes and agenda items about them")
    for case in cases:
        ref = case.referral.reference
        part_cases.records.append(as_record(case, f"Case for {ref}"))
        staff(case.case_officer)
        for review in CaseReview.objects.filter(case=case).select_related("completed_by"):
            part_cases.records.append(as_record(review, f"Review ({ref})"))
        for entry in CaseEntry.objects.filter(case=case).select_related("actor").order_by("pk"):
            part_chronology.records.append(as_record(entry, f"Chronology entry ({ref})"))
            staff(entry.actor)
        for assessment in Assessment.objects.filter(case=case).select_related("assessed_by"):
            part_assessments.records.append(as_record(assessment, f"Assessment ({ref})"))
            staff(assessment.assessed_by)
            for rating in AssessmentRating.objects.filter(assessment=assessment).select_related("factor"):
                part_assessments.records.append(as_record(rating, "Rating"))
        for consent in ConsentRecord.objects.filter(case=case).select_related("recorded_by"):
            part_consent.records.append(as_record(consent, f"Consent ({ref})"))
            third.update(n for n in (consent.given_by_name,) if n)
            staff(consent.recorded_by)
        for item in SupportItem.objects.filter(case=case).select_related("created_by"):
            part_support.records.append(as_record(item, f"Support ({ref})"))
            third.update(n for n in (item.provider,) if n)
        for agenda in AgendaItem.objects.filter(case=case).select_related("meeting", "meeting__panel"):
            part_minutes.records.append(as_record(agenda, f"Agenda item, meeting of {agenda.meeting.held_on}"))
    for meeting in Meeting.objects.filter(items__case__in=cases).exclude(notes="").distinct().order_by("held_on"):
        about = mentions(meeting.notes, names)
        if about:
            part_minutes.records.append(
                Record(f"General minutes, meeting of {meeting.held_on}", [("Minutes", p) for p in about])
            )
    attachments = _attachments(referrals, cases)
    part_files = Part("attachments", "Attachments (in the zip, under attachments/)")
    for attachment in attachments:
        part_files.records.append(
            as_record(attachment, f"Attachment {attachment.pk}", skip=("stored_name", "object_id"))
        )
        staff(attachment.uploaded_by)
    part_views = Part("views", "Who viewed their record")
    for event in views_of(referrals, cases):
        part_views.records.append(
            Record(
                f"{event.occurred_at:%d %B %Y %H:%M}", [("Who", _who(event.actor) or "Unknown"), ("What", event.action)]
            )
        )
        staff(event.actor)
    parts = [part_referrals, part_cases, part_chronology, part_assessments, part_consent, part_support,
             part_minutes, part_files, part_views]  # fmt: skip
    own = {person.name.lower()} | {r.person_name.lower() for r in referrals}
    return Bundle(parts, attachments, sorted(n for n in third if n and n.lower() not in own))


def _attachments(referrals: list[Referral], cases: list[Case]) -> list[Attachment]:
    from django.contrib.contenttypes.models import ContentType

    def on(model: type[models.Model], ids: Any) -> Q:
        return Q(content_type=ContentType.objects.get_for_model(model), object_id__in=ids)

    query = on(Referral, [r.pk for r in referrals]) | on(Case, [c.pk for c in cases])
    query |= on(CaseEntry, CaseEntry.objects.filter(case__in=cases).values("pk"))
    return list(Attachment.objects.filter(query).select_related("uploaded_by").order_by("uploaded_at", "pk"))


def views_of(referrals: list[Referral], cases: list[Case]) -> QuerySet[AuditEvent]:
    query = Q(object_type="referrals.referral", object_id__in=[str(r.pk) for r in referrals])
    query |= Q(object_type="channel.case", object_id__in=[str(c.pk) for c in cases])
    return AuditEvent.objects.filter(query, action__in=READS).select_related("actor").order_by("occurred_at", "pk")


def sar_list() -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.select_related("person", "requested_by", "released_by")
