"""Reads of referrals and who may see which (PRODUCT.md, "What each role may do").

- Coordinators: every submitted referral. CSC practitioners: referrals assigned to their team.
- Panel chairs and members: referrals of their panels' cases.
- DSLs: their own school's referrals, status and outcome only. Advisers: the referrals they made.
- Everyone who may make a referral: their own drafts and the referrals they made (status and outcome).

Content (screening answers, notes, decision reasons, the concern itself) is for coordinators, the assigned team
and the panel; everyone else sees status and outcome. Every read of a referral page is audited here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.http import Http404, HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.permissions import Capability, access_for, has_capability
from accounts.roles import Role
from channel.models.cases import Case as PanelCase
from core.audit import audit_record
from schools.models import School

from .filters import ReferralFilter
from .models import (
    AGE_BAND_UPPER,
    OPEN_STATUSES,
    PANEL_DECISIONS,
    AgeBand,
    ConcernType,
    Decision,
    Ethnicity,
    Gender,
    Referral,
    ReferralEvent,
    ReferralMakerCount,
    ReferralStatusCount,
    RoutingSettings,
    Sector,
    Status,
    YesNoUnknown,
)


def routing_settings_get() -> RoutingSettings:
    settings_row, _ = RoutingSettings.objects.get_or_create(pk=1)
    return settings_row


def _panel_scope_q(panel_ids: frozenset[int]) -> Q:
    """Referrals of the panels' cases: EXISTS, so the scope never joins (and never multiplies) the rows."""
    return Q(Exists(PanelCase.objects.filter(referral=OuterRef("pk"), panel_id__in=panel_ids)))


def _visibility_q(user: User | AnonymousUser) -> Q | None:
    """One condition on the referral's own row (EXISTS for the panel part): None means nothing at all."""
    access = access_for(user)
    if not access.roles:
        return None
    parts: list[Q] = []
    submitted = ~Q(status=Status.DRAFT)
    if access.has(Role.COORDINATOR):
        parts.append(submitted)  # every other scope below is a part of this one
    else:
        if access.team_ids:
            parts.append(submitted & Q(assigned_team_id__in=access.team_ids))
        if access.school_ids:
            parts.append(submitted & Q(school_id__in=access.school_ids))
        if access.panel_ids:
            parts.append(submitted & _panel_scope_q(access.panel_ids))
    if has_capability(user, Capability.REFERRAL_MAKE):
        parts.append(Q(created_by=user))
    if not parts:
        return None
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def referral_list_visible_to(*, user: User | AnonymousUser) -> QuerySet[Referral]:
    """Every referral the user may see, newest first. No DISTINCT: each scope is a condition on the referral's
    own row, so no join repeats it."""
    q = _visibility_q(user)
    if q is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(q)
        .select_related("school", "assigned_team", "assigned_to", "created_by")
        .order_by("-submitted_at", "-id")
    )


def referral_content_visible(*, user: User | AnonymousUser, referral: Referral) -> bool:
    """Whether the user may read the concern, screening answers, notes and decision reasons."""
    access = access_for(user)
    if referral.is_draft:
        return referral.created_by_id == user.pk
    if access.has(Role.COORDINATOR):
        return True
    if referral.assigned_team_id and referral.assigned_team_id in access.team_ids:
        return True
    if access.panel_ids:
        return Referral.objects.filter(pk=referral.pk).filter(_panel_scope_q(access.panel_ids)).exists()
    return False


def referral_may_triage(*, user: User | AnonymousUser, referral: Referral) -> bool:
    access = access_for(user)
    # An anonymised referral takes no note or change: one would put back what the retention schedule removed.
    if referral.is_draft or referral.anonymised_at is not None or not has_capability(user, Capability.REFERRAL_TRIAGE):
        return False
    if access.has(Role.COORDINATOR):
        return True
    return bool(referral.assigned_team_id and referral.assigned_team_id in access.team_ids)


def referral_get_for_user(
    *, user: User | AnonymousUser, pk: int, request: HttpRequest | None = None, page: str = "detail"
) -> Referral:
    """A referral the user may see (404 otherwise); the read is audited."""
    q = _visibility_q(user)
    if q is None:
        raise Http404
    referral = (
        Referral.objects.filter(q)
        .select_related("school", "assigned_team", "assigned_to", "created_by", "decided_by", "decision_panel")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    with transaction.atomic():
        audit_record(actor=user, action="referrals.referral_viewed", obj=referral, detail=page, request=request)
    return referral


def referral_timeline(*, referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("actor", "amends").order_by("occurred_at", "id"))


def overdue_before(*, today: date | None = None) -> datetime | date:
    """Referrals submitted before this moment and still open are overdue by the council's target."""
    target = routing_settings_get().triage_target_days
    return timezone.now() - timedelta(days=target) if today is None else today - timedelta(days=target)


# Each tab: its label and the statuses it lists (None: not a status tab; see _tab_q and referral_queue).
QUEUE_TABS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "new": ("New", (Status.NEW,)),
    "screening": ("Being screened", (Status.SCREENING,)),
    "awaiting": ("Awaiting information", (Status.AWAITING_INFORMATION,)),
    "confirmation": ("Decision awaiting confirmation", (Status.AWAITING_CONFIRMATION,)),
    "overdue": ("Overdue", None),
    "decided": ("Decided", (Status.DECIDED, Status.AT_PANEL)),
    "all": ("All", None),
    "made": ("Made by you", None),
}


def _triage_q(user: User | AnonymousUser) -> Q | None:
    """What the user triages, as a condition on the referral's row: every submitted referral for a coordinator,
    their teams' for a CSC practitioner (both inside what referral_list_visible_to shows them); None: nothing."""
    access = access_for(user)
    submitted = ~Q(status=Status.DRAFT)
    if access.has(Role.COORDINATOR):
        return submitted
    if access.team_ids:
        return submitted & Q(assigned_team_id__in=access.team_ids)
    return None


def _tab_q(tab: str, *, overdue_since: datetime | None = None) -> Q:
    """The condition of a queue tab within the triage scope ("made" is not one: see referral_queue)."""
    if tab == "overdue":
        since = overdue_since if overdue_since is not None else overdue_before()
        return Q(status__in=OPEN_STATUSES, submitted_at__lt=since)
    statuses = QUEUE_TABS.get(tab, ("", None))[1]
    return Q(status__in=statuses) if statuses is not None else Q()


def _made_by_q(user: User | AnonymousUser) -> Q:
    return ~Q(status=Status.DRAFT) & Q(created_by_id=user.pk)


# What a row of the referral list shows (referrals/list.html), read as values: a row is a dict of these columns,
# not a referral with its school, team and assignee made into four model instances (half the time the page took
# to read its rows), nor the narrative and the other sixty columns of a referral. Those who do not triage see
# the reference, the date, the status and the outcome only. The export reads its own columns.
QUEUE_ROW_VALUES = (
    "pk", "reference", "submitted_on", "first_name", "last_name", "status", "decision",
    "school__name", "assigned_team__name", "assigned_to__full_name", "assigned_to__email",
)  # fmt: skip
LIST_ROW_VALUES = ("pk", "reference", "submitted_on", "status", "decision")


def referral_queue(
    *, user: User | AnonymousUser, tab: str, overdue_since: datetime | None = None
) -> QuerySet[Referral]:
    """A tab of the triage queue: one scoped query, newest first, served by the referral indexes. The list reads
    its rows' columns (QUEUE_ROW_VALUES) and the export its own."""
    rows = Referral.objects.order_by("-submitted_at", "-id")
    if tab == "made":
        if not user.is_authenticated:
            return Referral.objects.none()
        return rows.filter(_made_by_q(user))
    scope = _triage_q(user)
    if scope is None:
        return Referral.objects.none()
    return rows.filter(scope & _tab_q(tab, overdue_since=overdue_since))


def referral_queue_counts(*, user: User | AnonymousUser, overdue_since: datetime | None = None) -> dict[str, int]:
    """Every tab's count in one query, a UNION ALL of three small reads: the triage scope's counts by status and
    the user's own by status, from the counts the database keeps (ReferralStatusCount and ReferralMakerCount,
    a few dozen rows), and the scope's overdue referrals counted live (a range of the status and date index,
    since overdue moves with the clock). The status tabs and "all" are sums of the status counts. Counting the
    referrals themselves read 60,000 index entries per page at national scale (14-16 ms of a 37 ms page)."""
    counts = dict.fromkeys(QUEUE_TABS, 0)
    if not user.is_authenticated:
        return counts
    submitted = ~Q(status=Status.DRAFT)
    made = (
        ReferralMakerCount.objects.filter(submitted, created_by_key=user.pk)
        .values(key=Value("made", output_field=CharField()))
        .annotate(n=Sum("n"))
        .order_by()
    )
    parts: QuerySet[Any, Any] = made
    scope = _triage_q(user)
    if scope is not None:
        access = access_for(user)
        status_counts = ReferralStatusCount.objects.filter(submitted)
        if not access.has(Role.COORDINATOR):
            status_counts = status_counts.filter(team_key__in=access.team_ids)
        by_status = status_counts.values(key=F("status")).annotate(n=Sum("n")).order_by()
        overdue = (
            Referral.objects.filter(scope & _tab_q("overdue", overdue_since=overdue_since))
            .values(key=Value("overdue", output_field=CharField()))
            .annotate(n=Count("*"))
            .order_by()
        )
        parts = by_status.union(overdue, made, all=True)
    found = {row["key"]: row["n"] or 0 for row in parts}
    counts["made"] = found.pop("made", 0)
    if scope is None:
        return counts
    counts["overdue"] = found.pop("overdue", 0)
    for tab, (_, statuses) in QUEUE_TABS.items():
        if statuses is not None:
            counts[tab] = sum(found.get(status, 0) for status in statuses)
    counts["all"] = sum(found.values())
    return counts


# The tab each role's queue opens on: the first of its tabs that holds work. A coordinator's work starts with
# new referrals to assign; a practitioner's with what is overdue, then what they are screening.
OPENING_TABS = {
    "coordinator": ("new", "overdue", "screening", "awaiting"),
    "practitioner": ("overdue", "screening", "new", "awaiting"),
}


def referral_queue_opening_tab(*, user: User | AnonymousUser, counts: dict[str, int]) -> str:
    order = OPENING_TABS["coordinator" if access_for(user).has(Role.COORDINATOR) else "practitioner"]
    return next((tab for tab in order if counts.get(tab)), order[0])


@dataclass
class ReferralListPage:
    """The referral list as one user sees it: the tab (for those who triage), the tabs with their counts, and
    the filter set over the tab's referrals (`filter.qs`, sorted), and the council's triage target in days (the
    queue says what overdue means)."""

    filter: ReferralFilter
    triage: bool
    tab: str = ""
    tabs: list[tuple[str, str, int]] = field(default_factory=list)
    overdue_days: int = 0

    def rows(self) -> QuerySet[Referral, dict[str, Any]]:
        """The filtered, sorted referrals as the list's rows: the columns the list shows this user, as values."""
        return self.filter.qs.values(*(QUEUE_ROW_VALUES if self.triage else LIST_ROW_VALUES))


def referral_list_for_page(*, user: User | AnonymousUser, params: Mapping[str, Any]) -> ReferralListPage:
    """Those who triage get the queue's tabs (opening on the tab where their work is, unless `tab` is given)
    and search everything they may read; everyone else the referrals they may see, by reference, status and
    date. Either way the filters narrow the user's own scope, never widen it."""
    triage = has_capability(user, Capability.REFERRAL_TRIAGE)
    filters = {k: v for k, v in params.items() if k not in ("tab", "page")}
    if not triage:
        qs = referral_list_visible_to(user=user).exclude(status=Status.DRAFT)
        return ReferralListPage(ReferralFilter(filters or None, queryset=qs, content=False), triage=False)
    overdue_days = routing_settings_get().triage_target_days  # read once for the counts, the tab and the page
    since = timezone.now() - timedelta(days=overdue_days)
    counts = referral_queue_counts(user=user, overdue_since=since)
    tab = params.get("tab") or ""
    if tab not in QUEUE_TABS:
        # A search looks through every referral the user triages; the bare queue opens where the work is.
        searched = any(v for k, v in filters.items() if k != "sort")
        tab = "all" if searched else referral_queue_opening_tab(user=user, counts=counts)
    tabs = [(key, label, counts[key]) for key, (label, _) in QUEUE_TABS.items()]
    qs = referral_queue(user=user, tab=tab, overdue_since=since)
    return ReferralListPage(ReferralFilter(filters or None, queryset=qs, content=True), True, tab, tabs, overdue_days)


def referral_drafts_of(*, user: User | AnonymousUser) -> QuerySet[Referral]:
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(created_by=user, status=Status.DRAFT).order_by("-updated_at")


# --- Statistics (counts only, computed in the database) -----------------------------------------------------------

AGE_BAND_CASE = Case(
    When(age_at_referral__isnull=True, then=Value(AgeBand.NOT_KNOWN.value)),
    *[When(age_at_referral__lte=upper, then=Value(band.value)) for upper, band in AGE_BAND_UPPER],
    default=Value(AgeBand.B41_PLUS.value),
    output_field=CharField(),
)


def _labelled(counts: dict[str, int], choices: list[tuple[str, str]], *, blank_label: str) -> dict[str, int]:
    result = {label: counts.get(value, 0) for value, label in choices if value != ""}
    missing = counts.get("", 0)
    if missing:
        result[blank_label] = result.get(blank_label, 0) + missing
    return result


# The stages of the Home Office's journey each breakdown is given for: referred, discussed at a panel (the
# referral was sent to one), adopted as a case.
STAGES = ("referrals", "discussed_at_panel", "adopted")
NEEDS_RECORDED = "recorded"
NEEDS_CASE = Case(
    When(Q(mental_health=YesNoUnknown.YES) | Q(neurodiversity=YesNoUnknown.YES), then=Value(NEEDS_RECORDED)),
    default=Value(""),
    output_field=CharField(),
)
NEEDS_LABELS = [
    (NEEDS_RECORDED, "At least one mental health or neurodiversity need recorded"),
    ("", "None recorded, or not known"),
]


# The columns (or expressions) each breakdown groups by.
BREAKDOWN_GROUPS: dict[str, Any] = {
    "concern": F("concern_type_label"),
    "sector": F("referrer_sector"),
    "age_band": AGE_BAND_CASE,
    "gender": F("gender"),
    "ethnicity": F("ethnicity"),
    "needs": NEEDS_CASE,
}


def _stage_counts(qs: QuerySet[Referral]) -> tuple[dict[str, int], dict[str, dict[str, dict[str, int]]]]:
    """Referrals by decision, and for each breakdown (BREAKDOWN_GROUPS) the referrals, those discussed at a panel
    and those adopted by group: ONE grouped query over every breakdown's column together (the rows are their
    combinations, a few thousand for a national year), summed here, instead of a scan of the referrals per
    breakdown."""
    rows = (
        qs.annotate(**{f"g_{name}": expression for name, expression in BREAKDOWN_GROUPS.items()})
        .values_list("decision", *(f"g_{name}" for name in BREAKDOWN_GROUPS))
        .annotate(n=Count("id"), adopted=Count("id", filter=Q(case__adopted_on__isnull=False)))
        .order_by()
    )
    by_decision: dict[str, int] = {}
    sums: list[dict[str, list[int]]] = [{} for _ in BREAKDOWN_GROUPS]
    for decision, *groups, n, adopted in rows:
        by_decision[decision or ""] = by_decision.get(decision or "", 0) + n
        discussed = n if decision in PANEL_DECISIONS else 0
        for into, group in zip(sums, groups, strict=True):
            figures = into.get(group or "")
            if figures is None:
                into[group or ""] = [n, discussed, adopted]
            else:
                figures[0] += n
                figures[1] += discussed
                figures[2] += adopted
    counts = {
        name: {group: dict(zip(STAGES, figures, strict=True)) for group, figures in into.items()}
        for name, into in zip(BREAKDOWN_GROUPS, sums, strict=True)
    }
    return by_decision, counts


def _stage_labelled(
    counts: dict[str, dict[str, int]], choices: list[tuple[str, str]], *, blank_label: str | None = None
) -> dict[str, dict[str, int]]:
    """Every choice in order (0 when none), a blank value under `blank_label` when there are any."""
    zero = dict.fromkeys(STAGES, 0)
    result = {label: dict(counts.get(value, zero)) for value, label in choices if value != "" or blank_label is None}
    if blank_label is not None and "" in counts:
        into = result.setdefault(blank_label, dict(zero))
        for stage in STAGES:
            into[stage] += counts[""][stage]
    return result


def referral_statistics(*, start: date, end: date) -> dict[str, Any]:
    """Counts of referrals made from `start` to `end` (both included), in the order of the Home Office's
    statistics; every category appears, with 0. Keys: total, by_outcome, discussed_at_panel, and for each
    breakdown (by_sector, by_concern_type, by_age_band, by_gender, by_ethnicity, by_needs) label -> referrals,
    with `stages[breakdown]` giving label -> {referrals, discussed_at_panel, adopted}. Age bands are of the age on
    the referral date (`Referral.age_at_referral`, set from the date of birth by `referrals.models.age_on`).
    Two queries (the breakdowns together, and the active types of concern), whatever the number of referrals."""
    qs = (
        Referral.objects.exclude(status=Status.DRAFT)
        .filter(submitted_on__gte=start, submitted_on__lte=end)
        # A case transferred in was referred, and counted, in the area that sent it.
        .exclude(case__transfers__direction="in")
    )
    outcome_counts, counts = _stage_counts(qs)
    by_outcome = {label: outcome_counts.get(value, 0) for value, label in Decision.choices}
    by_outcome["Ongoing"] = outcome_counts.get("", 0)

    concern_counts = counts["concern"]
    active = ConcernType.objects.filter(is_active=True).order_by("order", "label").values_list("label", flat=True)
    zero = dict.fromkeys(STAGES, 0)
    by_concern = {label: concern_counts.pop(label, dict(zero)) for label in active}
    for label, n in sorted(concern_counts.items()):  # a category since retired, or wording since changed
        into = by_concern.setdefault(label or "Not recorded", dict(zero))
        for stage in STAGES:
            into[stage] += n[stage]
    stages = {
        "by_sector": _stage_labelled(counts["sector"], Sector.choices, blank_label="Other"),
        "by_concern_type": by_concern,
        "by_age_band": _stage_labelled(counts["age_band"], AgeBand.choices),
        "by_gender": _stage_labelled(counts["gender"], Gender.choices, blank_label="Not known"),
        "by_ethnicity": _stage_labelled(counts["ethnicity"], Ethnicity.choices),
        "by_needs": _stage_labelled(counts["needs"], NEEDS_LABELS),
    }
    result: dict[str, Any] = {
        "start": start,
        "end": end,
        "total": sum(outcome_counts.values()),
        "by_outcome": by_outcome,
        "discussed_at_panel": sum(outcome_counts.get(d, 0) for d in PANEL_DECISIONS),
        "stages": stages,
    }
    for name, rows in stages.items():
        result[name] = {label: n["referrals"] for label, n in rows.items()}
    return result


def referral_count_for_school(*, school: School) -> int:
    """How many referrals a school's pupils have had (count only, for roles without case access)."""
    return Referral.objects.exclude(status=Status.DRAFT).filter(school=school).count()


def referral_awaiting_confirmation_by(*, user: User | AnonymousUser) -> QuerySet[Referral]:
    """Proposed decisions this coordinator may confirm: every one awaiting confirmation that they did not propose."""
    if not user.is_authenticated or not access_for(user).has(Role.COORDINATOR):
        return Referral.objects.none()
    return (
        Referral.objects.filter(status=Status.AWAITING_CONFIRMATION)
        .exclude(proposed_by=user)
        .select_related("proposed_by")
        .order_by("proposed_at", "id")
    )


def has_panel_case(referral: Referral) -> bool:
    return referral.decision in (Decision.PANEL_UNDER_18, Decision.PANEL_ADULT)
