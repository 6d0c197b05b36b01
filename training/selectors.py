"""Reads of training records and the measures (the uptake measures are in `uptake.py`). Every measure is one SQL
aggregate (or a fixed number of them), never a Python loop over schools, so the dashboard and the committee report
cost the same at 40 schools and at 24,000.

Definitions used throughout:
- "open schools" on a date: `School.objects.open_on(date)` (opened on or before it, not closed by then);
- a school "has accessed" a course as at a date when it sent anyone to a session of that course on or before it;
- "any Prevent training": any course that is not commissioned or community delivery (pupil workshops, parenting
  programmes and community workshops are reported on their own);
- a DSL's "Prevent training": a course marked `counts_as_prevent_training_for_dsl`, attended as a named attendee
  linked to their contact record; due when the last is more than two years old (Keeping Children Safe in Education).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.permissions import Capability, access_for, has_capability
from schools.models import Contact, ContactRole, School

from .catalogue import TRAIN_THE_TRAINER_CODES
from .filters import NoTrainingFilter, RefresherFilter, SessionFilter
from .models import (
    Attendance,
    Attendee,
    ContactPreventTraining,
    Course,
    SchoolFirstTraining,
    Sector,
    Session,
)
from .uptake import open_on_q, percent
from .uptake import uptake_as_at as uptake_as_at
from .uptake import uptake_by_phase as uptake_by_phase
from .uptake import uptake_overall_and_by_phase as uptake_overall_and_by_phase
from .uptake import uptake_series as uptake_series
from .uptake import uptake_series_and_by_phase as uptake_series_and_by_phase

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

DSL_CONTACT_ROLES = [ContactRole.DSL, ContactRole.DEPUTY_DSL]


def two_years_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 2)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 2, day=28)


def prevent_training_due(last: date | None, *, on: date) -> bool:
    """Due when there is none, or the last is more than two years before `on`."""
    return last is None or last < two_years_before(on)


# ---- contracts used by schools and reports ----


def school_ids_with_wrap(*, on: date) -> QuerySet[Any]:
    """School ids that had attended WRAP on or before `on` (from the stored first training dates): a values_list
    for `Exists(...filter(school_id=OuterRef("pk")))`."""
    return SchoolFirstTraining.objects.filter(first_wrap__lte=on).values_list("school_id", flat=True)


def contact_last_prevent_training(*, contact_ids: Iterable[int], on: date | None = None) -> dict[int, date | None]:
    """The date of each contact's last Prevent training (None if none), in one query."""
    ids = list(contact_ids)
    result: dict[int, date | None] = dict.fromkeys(ids)
    if not ids:
        return result
    qs = ContactPreventTraining.objects.filter(contact_id__in=ids)
    if on is not None:
        qs = qs.filter(held_on__lte=on)
    for contact_id, last in qs.values("contact_id").annotate(last=Max("held_on")).values_list("contact_id", "last"):
        result[contact_id] = last
    return result


def _recent_prevent_training(*, on: date) -> Exists:
    """Whether the contact of the outer row had Prevent training in the two years up to `on`: an index range on
    the stored Prevent training dates (training.models.ContactPreventTraining)."""
    return Exists(
        ContactPreventTraining.objects.filter(
            contact_id=OuterRef("pk"), held_on__gte=two_years_before(on), held_on__lte=on
        )
    )


def overdue_dsl_contacts(*, on: date) -> QuerySet[Contact]:
    """Current DSLs and deputies of schools open on `on` whose last Prevent training is more than two years old,
    or who have none.

    When no Prevent training is dated after `on` (always so for today, unless a session was recorded ahead), each
    contact's stored last date answers it in one pass over the contacts. Otherwise NOT EXISTS over the dated
    rows, an anti-join over 100,000 rows at national scale (two to three times slower)."""
    return _overdue_dsl_contacts(on=on, lasts_answer=_last_dates_answer(on=on))


def _last_dates_answer(*, on: date) -> bool:
    """Whether each contact's stored last Prevent training date (ContactLastPreventTraining) is their last on or
    before `on`: so when no Prevent training is dated after `on`. One query (an index probe)."""
    return not ContactPreventTraining.objects.filter(held_on__gt=on).exists()


def _overdue_dsl_contacts(*, on: date, lasts_answer: bool) -> QuerySet[Contact]:
    # The school's open condition on the join to it (not `school__in`, a second pass over the schools): the
    # refresher list reads the school's name and URN through the same join.
    current_dsls = Contact.objects.filter(open_on_q(on, prefix="school__"), role__in=DSL_CONTACT_ROLES, is_current=True)
    if lasts_answer:
        # No stored last date, or one more than two years old: a test in the WHERE of the one outer join to the
        # stored dates, which the refresher list reads the date through as well (at national scale 60 ms for the
        # export's query, where NOT EXISTS beside that join read the stored dates twice in 80 to 95).
        return current_dsls.filter(
            Q(latest_prevent_training__isnull=True) | Q(latest_prevent_training__last_on__lt=two_years_before(on))
        )
    return current_dsls.exclude(_recent_prevent_training(on=on))


def refreshers_for_page(*, params: Mapping[str, Any], on: date) -> RefresherFilter:
    """The DSL refresher list's filter set: the overdue DSLs and deputies with their school and the date of their
    last Prevent training, one query per page. When the stored last dates answer for `on` (see
    overdue_dsl_contacts), the date is read from them, through the join the overdue condition already makes;
    otherwise from the dated rows, a subquery per contact."""
    lasts_answer = _last_dates_answer(on=on)
    last: Any
    if lasts_answer:
        last = F("latest_prevent_training__last_on")
    else:
        last = Subquery(
            ContactPreventTraining.objects.filter(contact=OuterRef("pk"), held_on__lte=on)
            .order_by("-held_on")
            .values("held_on")[:1]
        )
    qs = _overdue_dsl_contacts(on=on, lasts_answer=lasts_answer).select_related("school")
    qs = qs.annotate(last_prevent_training=last)
    filters = {k: v for k, v in params.items() if k != "page"}
    return RefresherFilter(filters or None, queryset=qs)


def contact_ids_with_overdue_prevent_training(*, on: date) -> QuerySet[Any]:
    return overdue_dsl_contacts(on=on).values_list("pk", flat=True)


def school_training_summary(*, school: School) -> dict[str, Any]:
    """For the school page: each course attended with its last date, and the people reached. Three queries."""
    courses = (
        Attendance.objects.filter(school=school)
        .values("session__course__name")
        .annotate(last=Max("session__held_on"), sessions=Count("session", distinct=True))
        .order_by("session__course__order", "session__course__name")
    )
    totals = Attendance.objects.filter(school=school).aggregate(
        staff=Coalesce(Sum("staff"), 0), pupils=Coalesce(Sum("pupils"), 0), parents=Coalesce(Sum("parents"), 0)
    )
    trainers = (
        Attendee.objects.filter(
            attendance__school=school, attendance__session__course__code__in=TRAIN_THE_TRAINER_CODES
        )
        .values("full_name")
        .distinct()
        .count()
    )
    if not courses and not totals["staff"] and not totals["pupils"] and not totals["parents"]:
        return {}
    return {
        "courses_accessed": {row["session__course__name"]: f"last {row['last']:%-d %b %Y}" for row in courses},
        "staff_trained": totals["staff"],
        "pupils_reached": totals["pupils"],
        "parents_reached": totals["parents"],
        "accredited_trainers": trainers,
    }


def open_schools_on(*, on: date, phase: str | None = None, ward: str | None = None) -> QuerySet[School]:
    qs = School.objects.open_on(on)
    if phase:
        qs = qs.filter(phase=phase)
    if ward:
        qs = qs.filter(ward=ward)
    return qs


def schools_without_training(*, on: date, phase: str | None = None, ward: str | None = None) -> QuerySet[School]:
    """Open schools with no Prevent training by `on`, by name: from the stored first training dates. NOT EXISTS
    rather than an exclude over the outer join, which PostgreSQL estimated at one row, so it sorted every open
    school for a page of 50 instead of reading them in order from the index on name."""
    trained = SchoolFirstTraining.objects.filter(school_id=OuterRef("pk"), first_any__lte=on)
    return open_schools_on(on=on, phase=phase, ward=ward).exclude(Exists(trained)).order_by("name")


def schools_without_training_for_page(
    *, params: Mapping[str, Any], on: date, phase: str | None = None, ward: str | None = None
) -> NoTrainingFilter:
    schools = schools_without_training(on=on, phase=phase, ward=ward).only("pk", "urn", "name", "phase", "ward")
    return NoTrainingFilter({k: v for k, v in params.items() if k == "sort"} or None, queryset=schools)


def accredited_trainers_per_school(
    *, on: date, phase: str | None = None, ward: str | None = None, open_schools: int | None = None
) -> dict[str, Any]:
    """Named accredited trainers (train-the-trainer attendees) at open schools, and the average per open school.
    Three queries, two when the caller already counted the open schools (`open_schools`, as the uptake figures
    do). The courses are looked up first, so the planner sees their ids and estimates how few sessions they have
    (from the column's statistics): joined by code, it guessed four times as many at national scale and read all
    340,000 attendees. EXISTS rather than IN for the open schools: an IN is slow on SQLite at scale. COUNT(*)
    rather than of the attendees' ids: the attendees are then read from their index alone."""
    open_qs = open_schools_on(on=on, phase=phase, ward=ward)
    courses = list(Course.objects.filter(code__in=TRAIN_THE_TRAINER_CODES).values_list("pk", flat=True))
    trained = Attendee.objects.filter(
        Exists(open_qs.filter(pk=OuterRef("attendance__school_id"))),
        attendance__session__course_id__in=courses,
        attendance__session__held_on__lte=on,
    ).aggregate(trainers=Count("*"), schools=Count("attendance__school", distinct=True))
    open_count = open_qs.count() if open_schools is None else open_schools
    return {
        "trainers": trained["trainers"],
        "schools_with_trainers": trained["schools"],
        "open_schools": open_count,
        "per_school": round(trained["trainers"] / open_count, 2) if open_count else 0,
    }


def reach_in_period(*, start: date, end: date, school_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """Staff, pupils and parents reached by sessions held from `start` to `end` inclusive, the institutions
    (schools and others) and sessions, and the same by audience sector. Two queries and one pass over the
    attendances: the sectors' sessions (those with an attendance, found by EXISTS through the index on the
    attendances' session), then every total with each sector's people as a filtered sum."""
    ids = None if school_ids is None else list(school_ids)
    attendances = Attendance.objects.filter(session__held_on__gte=start, session__held_on__lte=end)
    attended = Attendance.objects.filter(session=OuterRef("pk"))
    if ids is not None:
        attendances = attendances.filter(school_id__in=ids)
        attended = attended.filter(school_id__in=ids)
    sessions_by_sector = dict(
        Session.objects.filter(Exists(attended), held_on__gte=start, held_on__lte=end)
        .values_list("sector")
        .annotate(n=Count("pk"))
        .order_by("sector")
    )
    people = F("staff") + F("pupils") + F("parents")
    totals = attendances.aggregate(  # named apart from the columns, which `people` reads
        all_staff=Coalesce(Sum("staff"), 0),
        all_pupils=Coalesce(Sum("pupils"), 0),
        all_parents=Coalesce(Sum("parents"), 0),
        schools=Count("school", distinct=True),
        other_institutions=Count("institution", distinct=True),
        **{
            f"people_{i}": Coalesce(Sum(people, filter=Q(session__sector=sector)), 0)
            for i, sector in enumerate(sessions_by_sector)
        },
    )
    labels = dict(Sector.choices)
    by_sector = {
        labels.get(sector, sector): {"sessions": sessions, "people": totals[f"people_{i}"]}
        for i, (sector, sessions) in enumerate(sessions_by_sector.items())
    }
    return {
        "staff": totals["all_staff"],
        "pupils": totals["all_pupils"],
        "parents": totals["all_parents"],
        "institutions": totals["schools"] + totals["other_institutions"],
        "schools": totals["schools"],
        # The sessions with an attendance: the sectors' counts add up to them (a third DISTINCT, a third sort of
        # the attendances, would count them again).
        "sessions": sum(sessions_by_sector.values()),
        "by_sector": by_sector,
    }


def feedback_in_period(*, start: date, end: date) -> dict[str, Any]:
    """Feedback of sessions held from `start` to `end`: responses, how many reported a better understanding and
    its share, the mean of the sessions' ratings, and how many sessions the coordinator observed. One query."""
    row = Session.objects.filter(held_on__gte=start, held_on__lte=end).aggregate(
        sessions=Count("pk"),
        responses=Coalesce(Sum("responses"), 0),
        better_understanding=Coalesce(Sum("better_understanding"), 0),
        mean_rating=Avg("rating"),
        sessions_observed=Count("pk", filter=~Q(quality_observation="")),
    )
    mean = row["mean_rating"]
    return {
        "sessions": row["sessions"],
        "responses": row["responses"],
        "better_understanding": row["better_understanding"],
        "better_understanding_pct": percent(row["better_understanding"], row["responses"])
        if row["responses"]
        else None,
        "mean_rating": round(float(mean), 1) if isinstance(mean, float | Decimal) else None,
        "sessions_observed": row["sessions_observed"],
    }


def commissioned_delivery_in_period(*, start: date, end: date) -> list[dict[str, Any]]:
    """Pupil workshops, parenting programmes and community workshops held from `start` to `end`: one row per
    course with sessions, people reached and schools. Two queries."""
    sessions = dict(
        Session.objects.filter(course__is_commissioned=True, held_on__gte=start, held_on__lte=end)
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values_list("course_id", "n")
    )
    reached = {
        row["session__course_id"]: row
        for row in Attendance.objects.filter(
            session__course__is_commissioned=True, session__held_on__gte=start, session__held_on__lte=end
        )
        .order_by()
        .values("session__course_id")
        .annotate(
            people=Coalesce(Sum(F("staff") + F("pupils") + F("parents"), output_field=IntegerField()), 0),
            schools=Count("school", distinct=True),
            institutions=Count("institution", distinct=True),
        )
    }
    rows = []
    for course in Course.objects.filter(is_commissioned=True).order_by("order", "name"):
        if course.pk not in sessions:
            continue
        r: Mapping[str, Any] = reached.get(course.pk, {})
        rows.append(
            {
                "programme": course.name,
                "sessions": sessions[course.pk],
                "people_reached": r.get("people", 0),
                "schools": r.get("schools", 0),
                "other_institutions": r.get("institutions", 0),
            }
        )
    return rows


# ---- per-user scoping for the training pages ----


def may_edit_training(*, user: User | AnonymousUser) -> bool:
    return has_capability(user, Capability.TRAINING_EDIT)


def session_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Session]:
    """Coordinators, advisers and CSC practitioners see every session; a DSL those their school attended."""
    if not has_capability(user, Capability.TRAINING_VIEW):
        return Session.objects.none()
    qs = Session.objects.select_related("course", "trainer", "trainer_contact")
    access = access_for(user)
    if has_capability(user, Capability.TRAINING_EDIT) or access.has("csc_practitioner"):
        return qs
    return qs.filter(pk__in=Attendance.objects.filter(school_id__in=access.school_ids).values("session_id"))


def session_list_for_page(*, user: User | AnonymousUser, params: Mapping[str, Any]) -> SessionFilter:
    """The session list's filter set over the sessions the user may see, each with the number of schools and
    other bodies that attended and of people trained: from the stored totals (training.models.SessionTotals), one
    join, so one query per page and no pass over the attendances for an export or a sort by them."""
    qs = session_list_visible_to(user=user).annotate(institutions=F("totals__institutions"), people=F("totals__people"))
    filters = {k: v for k, v in params.items() if k != "page"}
    return SessionFilter(filters or None, queryset=qs)


def session_get_for_user(*, user: User | AnonymousUser, pk: int) -> Session:
    try:
        return session_list_visible_to(user=user).get(pk=pk)
    except Session.DoesNotExist:
        raise Http404 from None


def attendances_visible_to(*, user: User | AnonymousUser, session: Session) -> QuerySet[Attendance]:
    """A DSL sees only their own school's row of a session; the others see every row."""
    qs = session.attendances.select_related("school", "institution").order_by("school__name", "institution__name")
    if has_capability(user, Capability.TRAINING_EDIT) or access_for(user).has("csc_practitioner"):
        return qs
    return qs.filter(school_id__in=access_for(user).school_ids)


def attendance_get_for_user(*, user: User | AnonymousUser, pk: int) -> Attendance:
    if not has_capability(user, Capability.TRAINING_VIEW):
        raise Http404
    qs = Attendance.objects.select_related("session__course", "school", "institution")
    access = access_for(user)
    if not (has_capability(user, Capability.TRAINING_EDIT) or access.has("csc_practitioner")):
        qs = qs.filter(school_id__in=access.school_ids)
    try:
        return qs.get(pk=pk)
    except Attendance.DoesNotExist:
        raise Http404 from None


def may_edit_attendees(*, user: User | AnonymousUser, attendance: Attendance) -> bool:
    """Coordinators and advisers; a DSL for their own school's staff."""
    return may_edit_training(user=user) or (
        attendance.school_id is not None and attendance.school_id in access_for(user).school_ids
    )


@dataclass
class DashboardScope:
    """Whose figures the dashboard shows: every school, or a DSL's own schools only."""

    school_ids: frozenset[int] | None


def dashboard_scope(*, user: User | AnonymousUser) -> DashboardScope:
    if not has_capability(user, Capability.UPTAKE_VIEW):
        raise Http404
    access = access_for(user)
    if has_capability(user, Capability.TRAINING_EDIT) or access.has("csc_practitioner"):
        return DashboardScope(school_ids=None)
    return DashboardScope(school_ids=access.school_ids)


def require_council_wide_lists(*, user: User | AnonymousUser) -> None:
    """The training lists across all schools (DSLs due a refresher, schools with no training) are not for a DSL,
    whose own school's are on the school page: a 404 for them, and for anyone without the dashboard."""
    if dashboard_scope(user=user).school_ids is not None:
        raise Http404


def own_school_training(*, school_ids: Iterable[int], on: date) -> list[dict[str, Any]]:
    """For a DSL: each of their schools' courses with last date (one query)."""
    rows = (
        Attendance.objects.filter(school_id__in=list(school_ids), session__held_on__lte=on)
        .values("school__name", "session__course__name", "session__course__code")
        .annotate(
            last=Max("session__held_on"),
            sessions=Count("session", distinct=True),
            staff=Coalesce(Sum("staff"), 0),
            pupils=Coalesce(Sum("pupils"), 0),
            parents=Coalesce(Sum("parents"), 0),
        )
        .order_by("school__name", "session__course__order")
    )
    return [dict(row) for row in rows]
