"""Reads of schools, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from accounts.models import Membership, User
from accounts.permissions import Capability, access_for, can_edit_school, has_capability, is_coordinator
from accounts.roles import Role
from reports.disclosure import show_banded_count  # pure rules, no models: no import cycle

from .facts import referral_facts, training_facts
from .filters import ActionFilter, InstitutionFilter, NetworkMeetingFilter, SchoolFilter
from .models import (
    NOT_OPEN_STATUSES,
    ChecklistItem,
    Contact,
    ContactRole,
    Institution,
    NetworkMeeting,
    RRSALevelChange,
    School,
    Status,
    SupportTier,
    Visit,
    VisitAction,
)


def schools_of_dsl(*, user: User | AnonymousUser) -> list[School]:
    """The schools a DSL is linked to through their current memberships."""
    ids = access_for(user).school_ids
    return list(School.objects.filter(pk__in=ids).order_by("name")) if ids else []


def school_summary_counts() -> dict[str, int]:
    """Open schools in all and by support tier, and closed schools: one query counting the schools by status and
    tier (a dozen groups), added up here (five filtered counts over every school took half as long again)."""
    tiers = (SupportTier.UNIVERSAL.value, SupportTier.SPECIALIST.value, SupportTier.INTENSIVE.value)
    counts = dict.fromkeys(("open", *tiers, "closed"), 0)
    # COUNT(*), not of the id: the index holds no id, so counting one would read every school's row.
    for status, tier, n in School.objects.values_list("status", "support_tier").annotate(n=Count("*")).order_by():
        if status not in NOT_OPEN_STATUSES:
            counts["open"] += n
            if tier in tiers:
                counts[tier] += n
        elif status == Status.CLOSED:
            counts["closed"] += n
    return counts


# ---- figures for the scrutiny report (reports.sections.schools) ----


def visit_counts_by_offer(*, start: date, end: date) -> dict[str, int]:
    """Visits, calls and e-mails dated within [start, end] by offer level (every level present, zero when none),
    plus "schools_visited": how many different schools had at least one. Two queries."""
    rows = (
        Visit.objects.filter(visited_on__gte=start, visited_on__lte=end)
        .values("offer_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {tier.value: 0 for tier in SupportTier}
    for row in rows:
        counts[row["offer_level"]] = row["n"]
    counts["schools_visited"] = (
        Visit.objects.filter(visited_on__gte=start, visited_on__lte=end).values("school_id").distinct().count()
    )
    return counts


def school_counts_by_support_tier(*, on: date) -> dict[str, int]:
    """Schools open on a date by support tier (every tier present, zero when none). One query."""
    rows = School.objects.open_on(on).values("support_tier").annotate(n=Count("id")).order_by()
    counts = {tier.value: 0 for tier in SupportTier}
    for row in rows:
        counts[row["support_tier"]] = row["n"]
    return counts


def actions_overdue_at_end_of(*, day: date) -> int:
    """Actions overdue as they stood at the end of `day`: agreed at a visit on or before it, due before it, and
    not done by it (still open, or done on a later day). An action due 1 March and done 10 April counts for a
    report to 31 March. One query."""
    return (
        VisitAction.objects.filter(visit__visited_on__lte=day, due_on__lt=day)
        .filter(Q(done_on__isnull=True) | Q(done_on__gt=day))
        .count()
    )


def schools_visited_of_open(*, start: date, end: date) -> tuple[int, int]:
    """(schools visited, schools open): of the schools open at some time from `start` to `end`
    (`School.objects.open_during`), how many had a visit, call or e-mail dated in the period. A visit to a school
    not open in the period is not counted, so the share is of a set that holds every school counted. Two counts:
    the visited ones with EXISTS in WHERE, which PostgreSQL runs as one semi-join over the period's visits (as a
    filter on the count it would probe the visits once per school)."""
    open_schools = School.objects.open_during(start, end)
    visited = Exists(Visit.objects.filter(school=OuterRef("pk"), visited_on__gte=start, visited_on__lte=end))
    return open_schools.filter(visited).count(), open_schools.count()


def actions_overdue(*, on: date) -> QuerySet[VisitAction]:
    """Visit actions not done whose due date is before `on`, soonest first."""
    return VisitAction.objects.overdue_on(on).order_by("due_on", "id")


# ---- per-user scoping ----

# Roles that read every school (PRODUCT.md: schools, contacts, checklist R or W); a DSL reads only their own.
ALL_SCHOOLS_ROLES = frozenset(
    {Role.COORDINATOR, Role.ADVISER, Role.CSC_PRACTITIONER, Role.PANEL_CHAIR, Role.PANEL_MEMBER}
)


def school_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[School]:
    """Every school for the council's roles; a DSL's own schools only; a 404 for anyone else."""
    access = access_for(user)
    if access.roles & ALL_SCHOOLS_ROLES:
        return School.objects.all()
    if Role.DSL in access.roles:
        return School.objects.filter(pk__in=sorted(access.school_ids))
    raise Http404


def school_get_for_user(*, user: User | AnonymousUser, urn: int) -> School:
    try:
        return school_list_visible_to(user=user).get(urn=urn)
    except School.DoesNotExist:
        raise Http404 from None


def may_edit_school(*, user: User | AnonymousUser, school: School) -> bool:
    """Contacts and checklist: coordinators, advisers and the school's own DSL."""
    return can_edit_school(user, school.pk)


def may_edit_council_fields(*, user: User | AnonymousUser) -> bool:
    """Support tier, RRSA level and notes are the Prevent team's judgement, so a DSL does not set them."""
    return has_capability(user, Capability.SCHOOLS_EDIT_ANY)


def may_see_visits(*, user: User | AnonymousUser, school: School) -> bool:
    access = access_for(user)
    return has_capability(user, Capability.VISITS_EDIT) or (Role.DSL in access.roles and school.pk in access.school_ids)


def contact_get_for_user(*, user: User | AnonymousUser, school: School, pk: int) -> Contact:
    """A contact of a school the user may already see (the school comes from school_get_for_user)."""
    try:
        return Contact.objects.get(school=school, pk=pk)
    except Contact.DoesNotExist:
        raise Http404 from None


def visit_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Visit]:
    access = access_for(user)
    if has_capability(user, Capability.VISITS_EDIT):
        return Visit.objects.all()
    if Role.DSL in access.roles:
        return Visit.objects.filter(school_id__in=sorted(access.school_ids))
    raise Http404


def visit_get_for_user(*, user: User | AnonymousUser, pk: int) -> Visit:
    try:
        return visit_list_visible_to(user=user).select_related("school", "adviser").get(pk=pk)
    except Visit.DoesNotExist:
        raise Http404 from None


def action_get_for_user(*, user: User | AnonymousUser, pk: int) -> VisitAction:
    """An action the user may change: coordinators and advisers only (others get a 404)."""
    if not has_capability(user, Capability.VISITS_EDIT):
        raise Http404
    try:
        return VisitAction.objects.select_related("visit", "school").get(pk=pk)
    except VisitAction.DoesNotExist:
        raise Http404 from None


def meeting_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[NetworkMeeting]:
    if not has_capability(user, Capability.VISITS_EDIT):
        raise Http404
    return NetworkMeeting.objects.annotate(attendee_count=Count("attendees")).order_by("-held_on", "-id")


def meeting_list_for_page(*, user: User | AnonymousUser, params: Mapping[str, Any]) -> NetworkMeetingFilter:
    filters = {k: v for k, v in params.items() if k != "page"}
    return NetworkMeetingFilter(
        filters or None, queryset=meeting_list_visible_to(user=user).select_related("organiser")
    )


def meeting_get_for_user(*, user: User | AnonymousUser, pk: int) -> NetworkMeeting:
    try:
        return meeting_list_visible_to(user=user).get(pk=pk)
    except NetworkMeeting.DoesNotExist:
        raise Http404 from None


# ---- the school list ----


def school_ward_choices(*, schools: QuerySet[School]) -> list[str]:
    """The wards of these schools, in order. A DSL's few schools: one DISTINCT over them. Every school (the
    council's roles): a skip scan of the (ward, name) index in a recursive query, one index probe per ward, where
    a DISTINCT read every school's index entry (7 ms at 24,000 schools in 20 wards)."""
    if schools.query.where:
        return list(schools.order_by().exclude(ward="").values_list("ward", flat=True).distinct().order_by("ward"))
    table = connection.ops.quote_name(School._meta.db_table)  # the model's own table: nothing typed goes in
    sql = (
        f"WITH RECURSIVE wards(ward) AS (SELECT MIN(ward) FROM {table} WHERE ward > '' UNION ALL "  # noqa: S608
        f"SELECT (SELECT MIN(s.ward) FROM {table} s WHERE s.ward > wards.ward) FROM wards WHERE wards.ward IS NOT NULL) "
        "SELECT ward FROM wards WHERE ward IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


# What a row of the list shows (schools/school_list.html): the page reads these columns, not the other forty of
# the GIAS record. The export reads its own columns.
SCHOOL_ROW_FIELDS = ("urn", "name", "postcode", "status", "phase", "ward", "support_tier", "last_visit_on")
# A row of the list as values: its columns, the current DSL's name and the key (schools.views.schools draws them).
SCHOOL_ROW_VALUES = ("pk", *SCHOOL_ROW_FIELDS, "dsl_name")


def school_list_for_page(*, user: User | AnonymousUser, filters: Mapping[str, Any], today: date) -> SchoolFilter:
    """The filter set of the list page over the schools the user may see, with the current DSL's name. The last
    visit is the school's own `last_visit_on` column (kept by the visit services), shown to roles that may see
    visits; no query groups schools with their visits. The DSL's name is a subquery in the SELECT list, which
    PostgreSQL evaluates for the page's rows only (after the ORDER BY ... LIMIT), and every sort and filter has
    an index (School.Meta.indexes), so a page costs the same at any number of schools."""
    visible = school_list_visible_to(user=user)
    show_visits = has_capability(user, Capability.VISITS_VIEW)
    dsl_name = (
        Contact.objects.filter(school=OuterRef("pk"), role=ContactRole.DSL, is_current=True)
        .order_by("-is_prevent_spoc", "id")
        .values("full_name")[:1]
    )
    qs = visible.only(*SCHOOL_ROW_FIELDS).annotate(dsl_name=Subquery(dsl_name))
    return SchoolFilter(
        filters or None,
        queryset=qs,
        today=today,
        show_visits=show_visits,
        wards=lambda: school_ward_choices(schools=visible),
    )


# ---- the school page ----


def prevent_training_due(last: date | None, *, today: date) -> bool:
    """Keeping Children Safe in Education: a DSL's training at least every two years."""
    if last is None:
        return True
    try:
        two_years_ago = today.replace(year=today.year - 2)
    except ValueError:  # 29 February
        two_years_ago = today.replace(year=today.year - 2, day=28)
    return last < two_years_ago


@dataclass
class ContactCard:
    contact: Contact
    last_prevent_training: date | None
    training_known: bool
    training_due: bool


@dataclass
class SchoolPage:
    school: School
    contacts: list[ContactCard]
    checklist: list[dict[str, Any]]
    rrsa_history: list[RRSALevelChange]
    training: dict[str, Any] | None
    visits: list[Visit] | None
    open_actions: list[VisitAction] | None
    meetings: list[NetworkMeeting] | None
    referral_count: str | None  # as shown: exact for coordinators, banded for everyone else
    may_edit: bool
    may_edit_council_fields: bool
    may_log_visits: bool


def school_page(*, user: User | AnonymousUser, school: School, today: date) -> SchoolPage:
    """Everything on a school's page, in a fixed number of queries whatever the data size."""
    role_order = {role: n for n, role in enumerate(ContactRole.values)}
    contacts = sorted(
        school.contacts.select_related("user"),
        key=lambda c: (not c.is_current, role_order.get(c.role, 99), not c.is_prevent_spoc, c.full_name),
    )
    training = training_facts()
    training_ids = [c.pk for c in contacts if c.role in (ContactRole.DSL, ContactRole.DEPUTY_DSL)]
    trained: dict[int, date | None] = {}
    if training_ids:
        trained = dict(training.contact_last_prevent_training(contact_ids=training_ids))
    cards = []
    for contact in contacts:
        known = contact.pk in training_ids
        last = trained.get(contact.pk)
        cards.append(
            ContactCard(
                contact=contact,
                last_prevent_training=last,
                training_known=known,
                training_due=known and contact.is_current and prevent_training_due(last, today=today),
            )
        )
    confirmed = {c.item: c for c in school.checklist.select_related("confirmed_by")}
    checklist = [{"item": value, "label": label, "row": confirmed.get(value)} for value, label in ChecklistItem.choices]
    training_summary = training.school_training_summary(school=school)
    visits = actions = meetings = None
    if may_see_visits(user=user, school=school):
        visits = list(school.visits.select_related("adviser").order_by("-visited_on", "-id")[:10])
        actions = list(school.visit_actions.open().select_related("owner", "visit").order_by("due_on", "id")[:50])
        meetings = list(
            NetworkMeeting.objects.filter(attendees__school=school).distinct().order_by("-held_on", "-id")[:10]
        )
    # Everyone who sees the school sees how many referrals it made (a count, never the referrals themselves):
    # exact for coordinators, and through disclosure control ("none", "fewer than 5", 5 or more) for everyone
    # else, since 1 to 4 referrals from one school can point at a pupil.
    made = referral_facts().referral_count_for_school(school=school)
    referral_count = f"{made:,}" if is_coordinator(user) else show_banded_count(made)
    return SchoolPage(
        school=school,
        contacts=cards,
        checklist=checklist,
        rrsa_history=list(school.rrsa_history.select_related("recorded_by")[:20]),
        training=training_summary,
        visits=visits,
        open_actions=actions,
        meetings=meetings,
        referral_count=referral_count,
        may_edit=may_edit_school(user=user, school=school),
        may_edit_council_fields=may_edit_council_fields(user=user),
        may_log_visits=has_capability(user, Capability.VISITS_EDIT),
    )


# ---- visits and actions lists ----


def actions_of(*, user: User | AnonymousUser) -> QuerySet[VisitAction]:
    """'My actions': the user's open actions, soonest due first."""
    if not has_capability(user, Capability.VISITS_EDIT):
        raise Http404
    return (
        VisitAction.objects.open()
        .filter(owner_id=user.pk)
        .select_related("school", "visit", "owner")
        .order_by("due_on", "id")
    )


def actions_overdue_for(*, user: User | AnonymousUser, on: date) -> QuerySet[VisitAction]:
    if not has_capability(user, Capability.VISITS_EDIT):
        raise Http404
    return actions_overdue(on=on).select_related("school", "owner", "visit")


def my_actions_for_page(*, user: User | AnonymousUser, filters: Any) -> ActionFilter:
    """'My actions' by school or due date, filtered by school."""
    return ActionFilter(filters, queryset=actions_of(user=user))


def overdue_actions_for_page(*, user: User | AnonymousUser, filters: Any, on: date) -> ActionFilter:
    """'Overdue actions' by school or due date, filtered by school and owner: the Prevent team members who own
    overdue actions. Actions a school's DSL owns are found by the school: DSLs grow with the schools (tens of
    thousands at national scale), too many for a list."""
    overdue = actions_overdue_for(user=user, on=on)
    team = Membership.objects.current().filter(role__in=[Role.COORDINATOR, Role.ADVISER]).values("user_id")
    owners = (
        User.objects.filter(pk__in=overdue.values("owner_id"))
        .filter(pk__in=team)
        .only("full_name", "email")
        .order_by("full_name")
    )
    return ActionFilter(filters, queryset=overdue, owners=owners)


def action_owner_choices(*, school: School) -> QuerySet[Any]:
    """Who may own an action: the council's coordinators and advisers, and the school's own DSLs."""

    ids = (
        Membership.objects.current()
        .filter(Q(role__in=[Role.COORDINATOR, Role.ADVISER]) | Q(role=Role.DSL, school=school))
        .values("user_id")
    )
    return User.objects.filter(is_active=True, pk__in=ids).order_by("full_name")


def adviser_home_counts(*, user: User | AnonymousUser, today: date, week_end: date) -> dict[str, int]:
    """The adviser's home page: their open and overdue actions, every overdue action, follow-ups due this week."""
    counts = VisitAction.objects.open().aggregate(
        mine=Count("id", filter=Q(owner=user)),
        mine_overdue=Count("id", filter=Q(owner=user, due_on__lt=today)),
        overdue=Count("id", filter=Q(due_on__lt=today)),
    )
    counts["follow_ups"] = Visit.objects.filter(follow_up_on__gte=today, follow_up_on__lte=week_end).count()
    return counts


def institution_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Institution]:
    """Other institutions: the council's roles that read schools; a DSL sees only their own school (404)."""
    if not access_for(user).roles & ALL_SCHOOLS_ROLES:
        raise Http404
    return Institution.objects.order_by("name", "id")


def institution_list_for_page(*, user: User | AnonymousUser, params: Mapping[str, Any]) -> InstitutionFilter:
    filters = {k: v for k, v in params.items() if k != "page"}
    return InstitutionFilter(filters or None, queryset=institution_list_visible_to(user=user))


def institution_get_for_user(*, user: User | AnonymousUser, pk: int) -> Institution:
    try:
        return institution_list_visible_to(user=user).get(pk=pk)
    except Institution.DoesNotExist:
        raise Http404 from None
