"""Reads for panels, cases and meetings, and who may see which.

PRODUCT.md: coordinators read every case and administer; a panel chair writes the cases and meetings of the
panels they chair; a panel member reads those of the panels they sit on, while they sit on them (memberships
current today), and writes their own actions; a CSC practitioner reads the cases of referrals assigned to their
team. Anyone else: 404. Every read of a case page is audited here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership, User
from accounts.permissions import access_for
from accounts.roles import Role
from core.audit import audit_record

from .filters import CaseFilter
from .models.assessments import Assessment, AssessmentRating, Dimension, Rating
from .models.cases import (
    ADOPTED_STAGES,
    OPEN_STAGES,
    PRE_PANEL_STAGES,
    CapacityAssessment,
    Case,
    CaseEntry,
    CaseReview,
    ConsentGiver,
    ConsentRecord,
    ConsentStatus,
    ExitOutcome,
    LegalHold,
    Stage,
    SupportItem,
    eighteenth_birthday,
)
from .models.meetings import Action, AgendaItem, Meeting
from .models.panels import Panel
from .models.transfers import CaseTransfer, TransferDirection
from .services.consent import consent_state

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from accounts.models import User

# --- Scopes ------------------------------------------------------------------------------------------------------


def _case_scope(user: User | AnonymousUser) -> Q | None:
    access = access_for(user)
    if access.has(Role.COORDINATOR):
        return Q()
    scope = Q(pk__in=[])
    if access.panel_ids:
        scope |= Q(panel_id__in=access.panel_ids)
    if access.team_ids:
        scope |= Q(referral__assigned_team_id__in=access.team_ids)
    return scope if (access.panel_ids or access.team_ids) else None


def _panel_scope(user: User | AnonymousUser) -> Q | None:
    access = access_for(user)
    if access.has(Role.COORDINATOR):
        return Q()
    if access.panel_ids:
        return Q(pk__in=access.panel_ids)
    return None


def can_edit_case(*, user: User | AnonymousUser, case: Case) -> bool:
    """Coordinators and the panel's chairs; nobody once the retention schedule has anonymised the case (a note
    written then would put back what it removed)."""
    if case.anonymised_at is not None:
        return False
    access = access_for(user)
    return access.has(Role.COORDINATOR) or case.panel_id in access.chaired_panel_ids


def can_edit_panel(*, user: User | AnonymousUser, panel_id: int) -> bool:
    """Meetings, agendas and minutes of a panel: its chairs and coordinators."""
    access = access_for(user)
    return access.has(Role.COORDINATOR) or panel_id in access.chaired_panel_ids


def can_complete_action(*, user: User | AnonymousUser, action: Action) -> bool:
    return action.owner_id == user.pk or can_edit_panel(user=user, panel_id=action.meeting.panel_id)


# --- Panels ------------------------------------------------------------------------------------------------------


def panel_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Panel]:
    scope = _panel_scope(user)
    if scope is None:
        return Panel.objects.none()
    return (
        Panel.objects.filter(scope)
        .annotate(
            open_cases=Count("cases", filter=Q(cases__stage__in=OPEN_STAGES), distinct=True),
        )
        .order_by("name")
    )


def panel_get_for_user(*, user: User | AnonymousUser, pk: int) -> Panel:
    scope = _panel_scope(user)
    if scope is None:
        raise Http404
    try:
        return Panel.objects.filter(scope).get(pk=pk)
    except Panel.DoesNotExist:
        raise Http404 from None


def panel_memberships(*, panel: Panel, on: date | None = None, include_past: bool = False) -> list[Membership]:
    """The panel's chairs and members on a day, with their agency and dates; past ones too if asked."""
    rows = Membership.objects.filter(panel=panel, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER]).select_related("user")
    if not include_past:
        rows = rows.current(on=on)
    return sorted(rows, key=lambda m: (m.role != Role.PANEL_CHAIR, m.user.full_name))


def panel_member_choices(*, panel_id: int, on: date | None = None) -> QuerySet[User]:
    ids = (
        Membership.objects.current(on=on)
        .filter(panel_id=panel_id, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        .values("user_id")
    )
    return User.objects.filter(pk__in=ids, is_active=True).order_by("full_name")


def next_meeting(*, panel_ids: Iterable[int], today: date | None = None) -> Meeting | None:
    today = today or timezone.localdate()
    return (
        Meeting.objects.filter(panel_id__in=list(panel_ids), held_on__gte=today, is_cancelled=False)
        .select_related("panel")
        .order_by("held_on", "id")
        .first()
    )


# --- Cases -------------------------------------------------------------------------------------------------------

CASE_LIST_FIELDS = ("referral", "panel", "case_officer")


def case_list_visible_to(*, user: User | AnonymousUser, filters: Mapping[str, str] | None = None) -> QuerySet[Case]:
    scope = _case_scope(user)
    if scope is None:
        return Case.objects.none()
    rows = Case.objects.filter(scope).select_related(*CASE_LIST_FIELDS)
    filters = filters or {}
    if filters.get("panel"):
        rows = rows.filter(panel_id=filters["panel"])
    if filters.get("stage"):
        rows = rows.filter(stage=filters["stage"])
    if filters.get("open"):
        rows = rows.filter(stage__in=OPEN_STAGES)
    if filters.get("q"):
        q = str(filters["q"]).strip()
        rows = rows.filter(Q(referral__reference__icontains=q) | Q(referral__last_name__icontains=q))
    return rows.order_by("-opened_on", "-id")


def case_list_for_page(*, user: User | AnonymousUser, params: Mapping[str, Any]) -> CaseFilter:
    """The case list's filter set over the cases the user may read; its panel choices are the user's panels."""
    scope = _panel_scope(user)
    panels = Panel.objects.filter(scope).order_by("name") if scope is not None else Panel.objects.none()
    filters = {k: v for k, v in params.items() if k != "page"}
    return CaseFilter(filters or None, queryset=case_list_visible_to(user=user), panels=panels)


def case_get_for_user(
    *, user: User | AnonymousUser, pk: int, request: HttpRequest | None = None, audit: bool = True
) -> Case:
    """The case if the user may read it, else 404. Every read is audited."""
    scope = _case_scope(user)
    if scope is None:
        raise Http404
    try:
        case = Case.objects.filter(scope).select_related(*CASE_LIST_FIELDS, "referral__concern_type").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if audit:
        audit_record(actor=user, action="channel.case_viewed", obj=case, request=request)
    return case


def case_legal_holds(*, case: Case) -> QuerySet[LegalHold]:
    """A case's legal holds, newest first, for a caller that has already read the case through its scope."""
    return LegalHold.objects.filter(case=case).select_related("placed_by", "lifted_by")


def case_stage_by_referral(*, referral_ids: Iterable[int]) -> dict[int, str]:
    """For the referrals pages and the journey table: the case stage's label for each referral that has a case."""
    labels = dict(Stage.choices)
    return {
        referral_id: str(labels[stage])
        for referral_id, stage in Case.objects.filter(referral_id__in=list(referral_ids)).values_list(
            "referral_id", "stage"
        )
    }


# The stages of a referral's journey after it reaches a panel, in order, for the referrals engineer's tables.
JOURNEY_STAGES: list[tuple[str, str]] = [(str(v), str(label)) for v, label in Stage.choices]


def case_chronology(*, case: Case) -> list[CaseEntry]:
    return list(case.entries.select_related("actor", "support_item").order_by("occurred_at", "id"))


@dataclass
class FactorComparison:
    label: str
    dimension: str
    first: AssessmentRating | None
    latest: AssessmentRating | None

    @property
    def change(self) -> str:
        if self.first is None or self.latest is None:
            return ""
        if self.latest.rating < self.first.rating:
            return "Lower"
        if self.latest.rating > self.first.rating:
            return "Higher"
        return "Same"


@dataclass
class DimensionComparison:
    label: str
    factors: list[FactorComparison]

    @property
    def first_total(self) -> int:
        return sum(f.first.rating for f in self.factors if f.first)

    @property
    def latest_total(self) -> int:
        return sum(f.latest.rating for f in self.factors if f.latest)


def assessment_comparison(*, case: Case) -> tuple[Assessment | None, Assessment | None, list[DimensionComparison]]:
    """The first and the latest assessment, factor by factor within each dimension."""
    assessments = list(
        case.assessments.select_related("assessed_by").prefetch_related(
            Prefetch("ratings", queryset=AssessmentRating.objects.order_by("factor__order", "id"))
        )
    )
    if not assessments:
        return None, None, []
    first, latest = assessments[0], assessments[-1]
    first_by = {r.factor_id: r for r in first.ratings.all()}
    latest_by = {r.factor_id: r for r in latest.ratings.all()}
    order: list[tuple[int, str, str]] = []
    seen: set[int] = set()
    for r in [*latest.ratings.all(), *first.ratings.all()]:
        if r.factor_id not in seen:
            seen.add(r.factor_id)
            order.append((r.factor_id, r.factor_label, r.dimension))
    dimensions = []
    for value, label in Dimension.choices:
        factors = [
            FactorComparison(label=flabel, dimension=dim, first=first_by.get(fid), latest=latest_by.get(fid))
            for fid, flabel, dim in order
            if dim == value
        ]
        dimensions.append(DimensionComparison(label=str(label), factors=factors))
    return first, (latest if latest.pk != first.pk else None), dimensions


RATING_LABELS = dict(Rating.choices)


# --- Meetings ----------------------------------------------------------------------------------------------------


def meeting_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Meeting]:
    scope = _panel_scope(user)
    if scope is None:
        return Meeting.objects.none()
    panel_filter = Q() if scope == Q() else Q(panel_id__in=access_for(user).panel_ids)
    return (
        Meeting.objects.filter(panel_filter)
        .select_related("panel", "signed_off_by")
        .annotate(case_count=Count("items"))
        .order_by("-held_on", "-id")
    )


def meeting_get_for_user(*, user: User | AnonymousUser, pk: int) -> Meeting:
    try:
        return meeting_list_visible_to(user=user).get(pk=pk)
    except Meeting.DoesNotExist:
        raise Http404 from None


def agenda_items(*, meeting: Meeting) -> list[AgendaItem]:
    return list(
        meeting.items.select_related("case__referral", "case__case_officer", "decision_recorded_by").order_by(
            "order", "id"
        )
    )


def cases_due_queryset(*, meeting: Meeting) -> QuerySet[Case]:
    """The panel's cases that the agenda of this meeting should hold and does not yet: new cases, cases whose
    review is due by the meeting's date, and cases with an exit proposed."""
    return (
        Case.objects.filter(panel_id=meeting.panel_id, stage__in=OPEN_STAGES)
        .filter(
            Q(stage__in=PRE_PANEL_STAGES)
            | Q(exit_proposed=True)
            | Q(stage__in=ADOPTED_STAGES, review_due_on__isnull=True)
            | Q(stage__in=ADOPTED_STAGES, review_due_on__lte=meeting.held_on)
        )
        .exclude(agenda_items__meeting=meeting)
        .select_related("referral", "case_officer")
        .order_by("opened_on", "id")
    )


def cases_due_for_meeting(*, meeting: Meeting) -> list[Case]:
    return list(cases_due_queryset(meeting=meeting))


def meeting_attendance(*, meeting: Meeting) -> list[dict[str, Any]]:
    """The panel's members on the meeting's day, each with the attendance recorded for them (if any)."""
    recorded = {a.user_id: a for a in meeting.attendance.all()}
    rows = []
    for membership in panel_memberships(panel=meeting.panel, on=meeting.held_on):
        rows.append({"membership": membership, "attendance": recorded.get(membership.user_id)})
    return rows


def meeting_actions(*, meeting: Meeting) -> list[Action]:
    return list(meeting.actions.select_related("owner", "case__referral", "meeting").order_by("due_on", "id"))


def action_get_for_user(*, user: User | AnonymousUser, pk: int) -> Action:
    scope = _panel_scope(user)
    if scope is None:
        raise Http404
    rows = Action.objects.select_related("meeting", "owner", "case")
    if scope != Q():
        rows = rows.filter(meeting__panel_id__in=access_for(user).panel_ids)
    try:
        return rows.get(pk=pk)
    except Action.DoesNotExist:
        raise Http404 from None


def actions_of(*, user: User | AnonymousUser, open_only: bool = True) -> list[Action]:
    """A member's own actions, on the panels they sit on today."""
    access = access_for(user)
    if not user.is_authenticated:
        return []
    rows = Action.objects.filter(owner=user, meeting__panel_id__in=access.panel_ids).select_related(
        "meeting__panel", "case__referral"
    )
    if open_only:
        rows = rows.filter(done_on__isnull=True)
    return list(rows.order_by("due_on", "id")[:20])


def reviews_due(
    *, user: User | AnonymousUser, within_days: int = 31, today: date | None = None
) -> QuerySet[CaseReview]:
    """Reviews after exit not yet recorded and due within `within_days` (overdue ones included)."""
    today = today or timezone.localdate()
    scope = _case_scope(user)
    if scope is None:
        return CaseReview.objects.none()
    visible = Case.objects.filter(scope).values("pk")
    return (
        CaseReview.objects.filter(
            case_id__in=visible, completed_on__isnull=True, due_on__lte=today + timedelta(days=within_days)
        )
        .select_related("case__referral", "case__panel")
        .order_by("due_on", "id")
    )


# --- Statistics for reports --------------------------------------------------------------------------------------


def case_statistics(*, start: date, end: date) -> dict[str, Any]:
    """Panel figures for the cases whose referral was made between start and end (inclusive), as counts of
    people (a case is one referral of one person), in the layout of the Home Office's Prevent statistics:
    cases = adopted + not_adopted + awaiting_panel_decision (+ transferred before adoption); adopted = exited +
    ongoing (+ transferred after adoption); the outcomes add up to exited. Cases transferred in from another
    authority are counted here, where they are supported; their referrals were counted where they were made.
    One query, grouped by exit outcome (the outcomes' counts; every other figure is the sum over them)."""
    transferred_in = Exists(CaseTransfer.objects.filter(case=OuterRef("pk"), direction=TransferDirection.IN))
    counts = {  # in the order the report prints them
        "transferred_in": Count("pk", filter=Q(transferred_in)),
        "cases": Count("pk"),
        "discussed_at_panel": Count(
            "pk", filter=Q(discussed_on__isnull=False) | Q(adopted_on__isnull=False) | Q(stage=Stage.NOT_ADOPTED)
        ),
        "adopted": Count("pk", filter=Q(adopted_on__isnull=False)),
        "not_adopted": Count("pk", filter=Q(stage=Stage.NOT_ADOPTED)),
        "supported": Count("pk", filter=Q(support_started_on__isnull=False)),
        "exited": Count("pk", filter=Q(exited_on__isnull=False)),
        "exited_concerns_reduced": Count("pk", filter=Q(exit_outcome=ExitOutcome.CONCERNS_REDUCED)),
        "withdrew": Count("pk", filter=Q(exit_outcome=ExitOutcome.WITHDREW_CONSENT)),
        # Adopted and still in the programme (adopted = exited + ongoing), and not yet decided by the panel.
        "ongoing": Count("pk", filter=Q(stage__in=ADOPTED_STAGES)),
        "awaiting_panel_decision": Count("pk", filter=Q(stage__in=PRE_PANEL_STAGES)),
        # Closed here because the case moved to another local authority's panel (its own line, as a closure).
        "transferred": Count("pk", filter=Q(stage=Stage.TRANSFERRED)),
    }
    rows = (
        Case.objects.filter(referral__submitted_on__gte=start, referral__submitted_on__lte=end)
        .values_list("exit_outcome")
        .annotate(**counts)
        .order_by()
    )
    figures: dict[str, Any] = dict.fromkeys(counts, 0)
    outcomes: Counter[str] = Counter()
    for exit_outcome, *numbers in rows:
        row = dict(zip(counts, numbers, strict=True))
        for name, n in row.items():
            figures[name] += n
        if exit_outcome:
            outcomes[exit_outcome] += row["cases"]
    figures["outcomes"] = {str(label): outcomes.get(value, 0) for value, label in ExitOutcome.choices}
    return figures


CONSENT_LABELS = {
    "given": "Consent to support given",
    "refused_or_withdrawn": "Consent refused or withdrawn",
    "not_recorded": "Consent not yet recorded in full",
}


def _latest_consent(giver: str) -> Subquery:
    """The status of the giver's latest consent record (by date, then by when it was recorded), as SQL."""
    rows = ConsentRecord.objects.filter(case=OuterRef("pk"), giver=giver).order_by("-on", "-pk")
    return Subquery(rows.values("status")[:1])


def consent_statistics(*, start: date, end: date) -> dict[str, int]:
    """Consent to support of the cases adopted from referrals made between start and end, as it stands: given
    (the person's, and a parent's or carer's for someone under 18 when the case opened), refused or withdrawn (by
    either), or not yet recorded in full. The three add up to the cases adopted. One query."""
    refused = [ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN]
    figures = (
        Case.objects.filter(
            referral__submitted_on__gte=start, referral__submitted_on__lte=end, adopted_on__isnull=False
        )
        .annotate(person=_latest_consent(ConsentGiver.PERSON), parent=_latest_consent(ConsentGiver.PARENT))
        .aggregate(
            adopted=Count("pk"),
            given=Count(
                "pk", filter=Q(person=ConsentStatus.GIVEN) & (Q(is_under_18=False) | Q(parent=ConsentStatus.GIVEN))
            ),
            refused_or_withdrawn=Count("pk", filter=Q(person__in=refused) | Q(is_under_18=True, parent__in=refused)),
        )
    )
    return {
        "given": figures["given"],
        "refused_or_withdrawn": figures["refused_or_withdrawn"],
        "not_recorded": figures["adopted"] - figures["given"] - figures["refused_or_withdrawn"],
    }


def meetings_held(*, start: date, end: date) -> int:
    """Panel meetings held (not cancelled) between start and end inclusive, up to today."""
    end = min(end, timezone.localdate())
    return Meeting.objects.filter(held_on__gte=start, held_on__lte=end, is_cancelled=False).count()


def panels_editable_by(*, user: User | AnonymousUser) -> QuerySet[Panel]:
    """Active panels whose cases the user may open and change: every one for a coordinator, a chair's own."""
    access = access_for(user)
    panels = Panel.objects.filter(is_active=True).order_by("name")
    return panels if access.has(Role.COORDINATOR) else panels.filter(pk__in=access.chaired_panel_ids)


def case_transfers(*, case: Case) -> list[CaseTransfer]:
    return list(CaseTransfer.objects.filter(case=case).select_related("recorded_by").order_by("on", "id"))


# --- Flags: what needs the panel's attention on a case ------------------------------------------------------------


@dataclass(frozen=True)
class CaseFlag:
    key: str  # turns_18, adult_consent, consent_withdrawn, no_contact
    text: str


def turns_18_soon(*, case: Case, on: date | None = None) -> date | None:
    """The 18th birthday when it falls after `on` (today) and within settings.TURNS_18_NOTICE_DAYS of it."""
    day = on or timezone.localdate()
    birthday = case.eighteenth_birthday()
    if birthday is not None and day < birthday <= day + timedelta(days=settings.TURNS_18_NOTICE_DAYS):
        return birthday
    return None


def support_items_without_contact(
    *, case_ids: Iterable[int] | QuerySet[Any], on: date | None = None
) -> QuerySet[SupportItem]:
    """Running support items of cases in support with no contact for settings.SUPPORT_NO_CONTACT_DAYS (counted from
    the last contact, or from the start when there is none), each annotated with `last_contact_on`. `case_ids`
    may be a queryset of ids (a subquery)."""
    day = on or timezone.localdate()
    cutoff = day - timedelta(days=settings.SUPPORT_NO_CONTACT_DAYS)
    ids = case_ids if isinstance(case_ids, QuerySet) else list(case_ids)
    return (
        SupportItem.objects.filter(case_id__in=ids, case__stage=Stage.SUPPORT, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .annotate(last_contact_on=Max("contacts__on"))
        .annotate(counted_from=Coalesce(Max("contacts__on"), "starts_on"))
        .filter(counted_from__lte=cutoff)
        .order_by("case_id", "starts_on", "id")
    )


def case_flags_for(
    *, cases: Sequence[Case], on: date | None = None, without_contact: Sequence[SupportItem] | None = None
) -> dict[int, list[CaseFlag]]:
    """Flags of open cases on `on` (today): turning 18 within 30 days, turned 18 without their own consent,
    consent withdrawn and awaiting the panel, support with no contact for 30 days. Three queries for any number
    of cases (their referrals already loaded); two when the caller has read support_items_without_contact for
    these cases or more (`without_contact`, on the same day)."""
    day = on or timezone.localdate()
    open_cases = [c for c in cases if c.stage in OPEN_STAGES]
    ids = [c.pk for c in open_cases]
    flags: dict[int, list[CaseFlag]] = {c.pk: [] for c in cases}
    consents: dict[int, list[ConsentRecord]] = defaultdict(list)
    # Only what consent_state and the flags read (a chair's panel has hundreds of records to go through).
    for record in ConsentRecord.objects.filter(case_id__in=ids).only("case_id", "giver", "status", "on"):
        consents[record.case_id].append(record)
    capacity: dict[int, list[CapacityAssessment]] = defaultdict(list)
    for assessment in CapacityAssessment.objects.filter(case_id__in=ids):
        capacity[assessment.case_id].append(assessment)
    for case in open_cases:
        birthday = turns_18_soon(case=case, on=day)
        if birthday is not None:
            flags[case.pk].append(
                CaseFlag("turns_18", f"Turns 18 within {settings.TURNS_18_NOTICE_DAYS} days ({birthday:%d %B %Y})")
            )
        state = consent_state(case=case, on=day, records=consents[case.pk], capacity=capacity[case.pk])
        if state.needs_adult_consent and state.turns_18_on is not None:
            flags[case.pk].append(
                CaseFlag("adult_consent", f"Turned 18 on {state.turns_18_on:%d %B %Y}: their own consent is needed")
            )
        if case.consent_withdrawn_on is not None:
            flags[case.pk].append(
                CaseFlag(
                    "consent_withdrawn",
                    f"Consent withdrawn on {case.consent_withdrawn_on:%d %B %Y}: exit or exception decision needed",
                )
            )
    items: Iterable[SupportItem] = (
        support_items_without_contact(case_ids=ids, on=day).only("case_id", "provider")
        if without_contact is None
        else without_contact
    )
    open_ids = set(ids)
    for item in items:
        if item.case_id not in open_ids:
            continue
        last: date | None = getattr(item, "last_contact_on", None)  # annotated by the query
        since = f"last contact {last:%d %B %Y}" if last else "no contact since it started"
        flags[item.case_id].append(
            CaseFlag("no_contact", f"No contact for {settings.SUPPORT_NO_CONTACT_DAYS} days: {item.provider} ({since})")
        )
    return flags


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _AgeGiven(NamedTuple):
    """A referral's age facts read as values (channel.models.cases.AgeFacts), for eighteenth_birthday."""

    date_of_birth: date | None
    age_given: int | None
    submitted_on: date | None
    created_at: datetime | None


def _may_carry_a_flag(*, day: date, open_cases: QuerySet[Case], without_contact: Sequence[SupportItem]) -> set[int]:
    """The ids of open cases that include every one carrying a flag of case_flags_for (some that do not may be
    among them; case_flags_for decides): consent withdrawn; a support item without contact (`without_contact`);
    18 within the notice period; 18 already, with the person's own consent given (as a child, perhaps), or a
    birthday known only from the age given. The referral's dates are read for the open cases first, in one narrow
    query through the referral's primary key: OR-ed in one query with that join, they make PostgreSQL read the
    whole referrals table. The date of birth has two days' margin (29 February)."""
    margin = timedelta(days=2)
    soon_from = _years_before(day, 18) - margin
    notice_end = day + timedelta(days=settings.TURNS_18_NOTICE_DAYS)
    soon_to = _years_before(notice_end, 18) + margin
    own_consent = ConsentRecord.objects.filter(
        case_id=OuterRef("pk"), giver=ConsentGiver.PERSON, status=ConsentStatus.GIVEN
    )
    rows = (
        open_cases.order_by()
        .annotate(
            own_consent=Exists(own_consent),
            # Read only where the age rule needs it (no day the referral was made): a date-time takes longer
            # to load than the rest of the row.
            created_if_undated=SqlCase(When(referral__submitted_on__isnull=True, then=F("referral__created_at"))),
        )
        .values_list(
            "pk", "consent_withdrawn_on", "referral__date_of_birth", "referral__age_given",
            "referral__submitted_on", "created_if_undated", "own_consent",
        )
    )  # fmt: skip
    ids = {item.case_id for item in without_contact}
    for pk, withdrawn_on, born_on, age_given, submitted_on, created_at, own in rows:
        if born_on is not None:
            adult_soon = born_on <= soon_to and (born_on >= soon_from or own)
        elif age_given is not None:  # the one age rule, for the few whose age alone was given
            birthday = eighteenth_birthday(_AgeGiven(None, age_given, submitted_on, created_at))
            adult_soon = birthday is not None and birthday <= notice_end and (birthday > day or own)
        else:
            adult_soon = False
        if withdrawn_on is not None or adult_soon:
            ids.add(pk)
    return ids


# The fields case_flags_for reads (the stage, the withdrawal of consent, the 18th birthday from the referral) and
# the chair's list shows (the reference); any other would be read case by case (tests/channel hold the query count).
FLAGGED_CASE_FIELDS = (
    "stage",
    "consent_withdrawn_on",
    "opened_on",
    "panel_id",
    "referral__reference",
    "referral__date_of_birth",
    "referral__age_given",
    "referral__submitted_on",
    "referral__created_at",
)


def chaired_panels_of(*, user: User | AnonymousUser) -> dict[int, str]:
    """The names of the panels the user chairs, by id: the cases that need attention are a chair's list (a 404
    for anyone who chairs none)."""
    panel_ids = access_for(user).chaired_panel_ids
    if not panel_ids:
        raise Http404
    return dict(Panel.objects.filter(pk__in=panel_ids).order_by("name").values_list("pk", "name"))


def flag_kinds() -> list[tuple[str, str]]:
    """Each kind of flag case_flags_for gives, with its name in a list of counts, in the order a chair deals with
    them (the notice days read from settings at the call)."""
    return [
        ("consent_withdrawn", "Consent withdrawn: exit or exception decision needed"),
        ("adult_consent", "Turned 18: their own consent is needed"),
        ("turns_18", f"Turns 18 within {settings.TURNS_18_NOTICE_DAYS} days"),
        ("no_contact", f"Support with no contact for {settings.SUPPORT_NO_CONTACT_DAYS} days"),
    ]


def flag_counts(flagged: Sequence[tuple[Case, list[CaseFlag]]]) -> list[tuple[str, str, int]]:
    """How many of the flagged cases carry each kind of flag (a case with two kinds counts in both): (key, name,
    count) for every kind, none left out, so a chair sees which kinds have none."""
    counts = {key: 0 for key, _ in flag_kinds()}
    for _case, flags in flagged:
        for key in {flag.key for flag in flags}:
            counts[key] += 1
    return [(key, name, counts[key]) for key, name in flag_kinds()]


def flagged_cases_of_panels(*, panel_ids: Iterable[int], on: date | None = None) -> list[tuple[Case, list[CaseFlag]]]:
    """The open cases of these panels that carry a flag, oldest first (for the chair's home page). The flags are
    worked out only for the cases that may carry one (a chair's panel holds about a thousand open cases at
    national scale, of which a fifth are flagged)."""
    day = on or timezone.localdate()
    open_cases = Case.objects.filter(panel_id__in=list(panel_ids), stage__in=OPEN_STAGES)
    # Read once, for the candidates and for the flags.
    without_contact = list(
        support_items_without_contact(case_ids=open_cases.values("pk"), on=day).only("case_id", "provider")
    )
    candidates = _may_carry_a_flag(day=day, open_cases=open_cases, without_contact=without_contact)
    cases = list(
        Case.objects.filter(pk__in=sorted(candidates))
        .select_related("referral")
        # What the flags and the list read: a fifth of the columns (the rest, dates and times above all, took
        # longer to load than the flags to work out).
        .only(*FLAGGED_CASE_FIELDS)
        .order_by("opened_on", "id")
    )
    flags = case_flags_for(cases=cases, on=day, without_contact=without_contact)
    return [(case, flags[case.pk]) for case in cases if flags[case.pk]]
