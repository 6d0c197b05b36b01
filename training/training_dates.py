"""The stored training dates (SchoolFirstTraining, ContactPreventTraining, ContactLastPreventTraining) and session
totals (SessionTotals), which database triggers keep, computed again from the attendances: to check the stores and
to rebuild them (`manage.py rebuild_training_dates`), for example after rows were restored from a backup with the
triggers disabled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Min, Q, Sum

from .catalogue import PVE_CODES, WRAP_CODES
from .models import (
    Attendance,
    Attendee,
    ContactLastPreventTraining,
    ContactPreventTraining,
    SchoolFirstTraining,
    Session,
    SessionTotals,
)

SchoolFirsts = dict[int, tuple[date | None, date | None, date | None]]
ContactTrainings = dict[int, tuple[int, date]]
ContactLasts = dict[int, date]
SessionCounts = dict[int, tuple[int, int]]


def school_firsts_from_attendances() -> SchoolFirsts:
    """{school id: (first WRAP, first PVE, first any Prevent training)} for every school with an attendance."""
    held_on = "session__held_on"
    rows = (
        Attendance.objects.filter(school__isnull=False)
        .values("school_id")
        .annotate(
            wrap=Min(held_on, filter=Q(session__course__code__in=WRAP_CODES)),
            pve=Min(held_on, filter=Q(session__course__code__in=PVE_CODES)),
            any=Min(held_on, filter=Q(session__course__is_commissioned=False)),
        )
        .values_list("school_id", "wrap", "pve", "any")
    )
    return {school_id: (wrap, pve, any_) for school_id, wrap, pve, any_ in rows}


def contact_trainings_from_attendees() -> ContactTrainings:
    """{attendee id: (contact id, date)} for every attendee linked to a contact at Prevent training for a DSL."""
    rows = Attendee.objects.filter(
        contact__isnull=False, attendance__session__course__counts_as_prevent_training_for_dsl=True
    ).values_list("pk", "contact_id", "attendance__session__held_on")
    return {pk: (contact_id, held_on) for pk, contact_id, held_on in rows}


def contact_lasts_from(trainings: ContactTrainings) -> ContactLasts:
    """{contact id: date of the last Prevent training} from the contacts' training rows."""
    lasts: ContactLasts = {}
    for contact_id, held_on in trainings.values():
        if contact_id not in lasts or held_on > lasts[contact_id]:
            lasts[contact_id] = held_on
    return lasts


def session_totals_from_attendances() -> SessionCounts:
    """{session id: (attendance rows, people)} for every session, (0, 0) for one with no attendance."""
    totals: SessionCounts = dict.fromkeys(Session.objects.values_list("pk", flat=True), (0, 0))
    rows = (
        Attendance.objects.order_by()
        .values("session_id")
        .annotate(n=Count("pk"), people=Sum(F("staff") + F("pupils") + F("parents")))
        .values_list("session_id", "n", "people")
    )
    totals.update((session_id, (n, people)) for session_id, n, people in rows)
    return totals


def stored_school_firsts() -> SchoolFirsts:
    rows = SchoolFirstTraining.objects.values_list("school_id", "first_wrap", "first_pve", "first_any")
    return {school_id: (wrap, pve, any_) for school_id, wrap, pve, any_ in rows}


def stored_contact_trainings() -> ContactTrainings:
    rows = ContactPreventTraining.objects.values_list("attendee_id", "contact_id", "held_on")
    return {pk: (contact_id, held_on) for pk, contact_id, held_on in rows}


def stored_contact_lasts() -> ContactLasts:
    return dict(ContactLastPreventTraining.objects.values_list("contact_id", "last_on"))


def stored_session_totals() -> SessionCounts:
    rows = SessionTotals.objects.values_list("session_id", "institutions", "people")
    return {session_id: (n, people) for session_id, n, people in rows}


@dataclass(frozen=True)
class Differences:
    schools: int
    attendees: int
    contacts: int
    sessions: int


def _differing(stored: dict[int, object], computed: dict[int, object]) -> int:
    return sum(1 for key in stored.keys() | computed.keys() if stored.get(key) != computed.get(key))


def training_dates_rebuild() -> Differences:
    """Replaces the stores with the dates and totals computed from the attendances, in one transaction; returns
    how many schools, attendees, contacts and sessions had stored figures that differed (none when the triggers
    kept them)."""
    with transaction.atomic():
        schools, attendees = school_firsts_from_attendances(), contact_trainings_from_attendees()
        lasts = contact_lasts_from(attendees)
        totals = session_totals_from_attendances()
        found = Differences(
            schools=_differing(stored_school_firsts(), schools),  # type: ignore[arg-type]
            attendees=_differing(stored_contact_trainings(), attendees),  # type: ignore[arg-type]
            contacts=_differing(stored_contact_lasts(), lasts),  # type: ignore[arg-type]
            sessions=_differing(stored_session_totals(), totals),  # type: ignore[arg-type]
        )
        SchoolFirstTraining.objects.all().delete()
        SchoolFirstTraining.objects.bulk_create(
            (
                SchoolFirstTraining(school_id=pk, first_wrap=wrap, first_pve=pve, first_any=any_)
                for pk, (wrap, pve, any_) in schools.items()
            ),
            batch_size=2000,
        )
        ContactPreventTraining.objects.all().delete()
        ContactPreventTraining.objects.bulk_create(
            (
                ContactPreventTraining(attendee_id=pk, contact_id=contact_id, held_on=held_on)
                for pk, (contact_id, held_on) in attendees.items()
            ),
            batch_size=2000,
        )
        # The triggers on ContactPreventTraining have just recomputed the last dates; replaced here too, so that
        # the rebuild does not depend on the triggers it exists to check.
        ContactLastPreventTraining.objects.all().delete()
        ContactLastPreventTraining.objects.bulk_create(
            (ContactLastPreventTraining(contact_id=pk, last_on=last) for pk, last in lasts.items()), batch_size=2000
        )
        SessionTotals.objects.all().delete()
        SessionTotals.objects.bulk_create(
            (SessionTotals(session_id=pk, institutions=n, people=people) for pk, (n, people) in totals.items()),
            batch_size=2000,
        )
    return found
