"""Demo panels, members, meetings and the detail of cases for seed_demo.

`seed(ctx)` runs before accounts and referrals (DEMO_ORDER) and makes the three panels. The cases themselves are
opened by the referrals seed (one per referral sent to a panel, at a stage that fits its age); `seed_cases(ctx)`
then gives them what a real case has: case officers, members and meetings, agendas, decisions, consent,
assessments, support plans, reviews after exit, actions and chronology entries. The referrals seed calls it when
it has made the cases; if it does not, it runs once the rest of the demo council is saved (on commit).

Everything is bulk-created: 6,000 cases at national scale. Invented names only.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.demo import DemoContext

from .models.assessments import Assessment, AssessmentRating, VafFactor
from .models.cases import (
    ADOPTED_STAGES,
    AFTER_EXIT_STAGES,
    OPEN_STAGES,
    PRE_PANEL_STAGES,
    Case,
    CaseEntry,
    CaseReview,
    ConsentGiver,
    ConsentRecord,
    ConsentStatus,
    EntryKind,
    ExitOutcome,
    ReviewKind,
    Stage,
    SupportItem,
    SupportKind,
)
from .models.meetings import Action, AgendaItem, AgendaReason, Attendance, Decision, Meeting, MeetingAttendance
from .models.panels import Panel, PanelKind
from .services.case_rows import add_months

BATCH = 2000
DONE_FLAG = "channel_cases_seeded"

AGENCIES = (
    "Police", "Children's Social Care", "Adult Social Care", "Health (NHS Trust)", "Education",
    "Probation Service", "Youth Offending Service", "Mental health services",
)  # fmt: skip
PROVIDERS = {
    SupportKind.INTERVENTION_PROVIDER: ("Home Office Intervention Provider", "Northbrook Mentoring Service"),
    SupportKind.MAINSTREAM: (
        "CAMHS", "Early Help Hub", "Careers advice service", "Housing Options", "GP and community mental health team",
    ),
    SupportKind.COMMUNITY: ("Northbrook Youth Project", "Boxing club at Parkside", "Faith leaders' forum", "Library digital skills course"),
}  # fmt: skip
PROGRESS = (
    "Attended every session this month; engaged well and talked openly about the material they had shared.",
    "Missed one session; rearranged. Mentor reports less time online and more contact with friends from college.",
    "Family report a calmer home; school attendance up from 70% to 88%.",
    "Talked through the views they had been posting; now questions the sources they rely on.",
    "Started the course and enjoys it. Keen to carry on after the plan ends.",
)
RATIONALES = (
    "Seen in what was shared online.", "Reported by school.", "Family describe this.", "Said so in interview.",
    "No sign of this.", "Police information.", "Less evident since support began.",
)  # fmt: skip


def seed(ctx: DemoContext) -> None:
    panels = Panel.objects.bulk_create(
        [
            Panel(name="Northbrook Channel Panel", kind=PanelKind.CHANNEL),
            Panel(name="Northbrook Social Inclusion Panel", kind=PanelKind.UNDER_18),
            Panel(name="Northbrook Safeguarding Adults Panel", kind=PanelKind.ADULT),
        ]
    )
    ctx.made["panels"] = {p.kind: p for p in Panel.objects.filter(pk__in=[p.pk for p in panels])}


def finish(ctx: DemoContext) -> None:
    """Second phase of seed_demo: the cases arrive with the referrals seed, so their detail follows here."""
    seed_cases(ctx)


def seed_cases(ctx: DemoContext, referral_ids: list[int] | None = None) -> None:
    """The detail of the demo cases (see the module's docstring). Runs once per seed."""
    if ctx.made.get(DONE_FLAG):
        return
    ctx.made[DONE_FLAG] = True
    import time as clock

    started = clock.perf_counter()

    panels = list(Panel.objects.order_by("pk"))
    if not panels:
        return
    users = ctx.made.get("demo_users", {})
    coordinator = users.get("coordinator@northbrook.example") or User.objects.order_by("pk").first()
    if coordinator is None:
        return
    members = _seed_members(ctx, panels, users)
    chairs = {panel_id: rows[0] for panel_id, rows in members.items()}

    cases_qs = Case.objects.all()
    if referral_ids is not None:
        cases_qs = cases_qs.filter(referral_id__in=referral_ids)
    cases = list(cases_qs.order_by("opened_on", "pk"))
    meetings = _seed_meetings(ctx, panels, members)
    by_panel: dict[int, list[Meeting]] = {}
    for m in meetings:
        by_panel.setdefault(m.panel_id, []).append(m)
    for rows in by_panel.values():
        rows.sort(key=lambda m: m.held_on)

    _align_and_plan(ctx, cases, by_panel, chairs, coordinator)
    _seed_case_records(ctx, cases, chairs)
    _seed_agendas(ctx, cases, by_panel, members, chairs)
    ctx.say(
        f"  channel: {len(cases)} cases detailed, {len(meetings)} meetings, "
        f"{sum(len(v) for v in members.values())} panel places ({clock.perf_counter() - started:.1f}s)"
    )


# --- Members -----------------------------------------------------------------------------------------------------


def _seed_members(ctx: DemoContext, panels: list[Panel], users: dict[str, Any]) -> dict[int, list[Any]]:
    """Each panel: a chair and five or six members from different agencies. The demo chair and member sit on the
    Channel panel (accounts made their memberships); the others are invented and cannot sign in."""
    from django.contrib.auth.hashers import make_password

    started = ctx.today - timedelta(days=3 * 365)
    unusable = make_password(None)
    people: dict[int, list[Any]] = {}
    new_users: list[User] = []
    plan: list[tuple[int, str, str, int]] = []  # panel id, role, agency, index into new_users
    for p_index, panel in enumerate(panels):
        existing = list(
            Membership.objects.filter(
                panel=panel, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER], ended_on__isnull=True
            )
            .select_related("user")
            .order_by("pk")
        )
        existing.sort(key=lambda m: m.role != Role.PANEL_CHAIR)
        people[panel.pk] = [m.user for m in existing]
        has_chair = any(m.role == Role.PANEL_CHAIR for m in existing)
        wanted = [("panel_chair", "Northbrook City Council")] if not has_chair else []
        taken = {m.agency for m in existing}
        wanted += [("panel_member", a) for a in AGENCIES if a not in taken][: max(0, 6 - len(existing))]
        for role, agency in wanted:
            name = ctx.person_name()
            slug = name.lower().replace(" ", ".").replace("'", "")
            new_users.append(
                User(
                    email=f"{slug}.{p_index}{len(new_users)}@panels.northbrook.example",
                    full_name=name,
                    job_title=f"{agency} representative" if role == "panel_member" else "Panel chair",
                    password=unusable,
                )
            )
            plan.append((panel.pk, role, agency, len(new_users) - 1))
    User.objects.bulk_create(new_users)
    saved = {u.email: u for u in User.objects.filter(email__in=[u.email for u in new_users])}
    rows = []
    for panel_id, role, agency, index in plan:
        user = saved[new_users[index].email]
        rows.append(Membership(user=user, role=role, panel_id=panel_id, agency=agency, started_on=started))
        if role == "panel_chair":
            people[panel_id].insert(0, user)
        else:
            people[panel_id].append(user)
    Membership.objects.bulk_create(rows)
    return people


# --- Meetings ----------------------------------------------------------------------------------------------------


def _meeting_day(year: int, month: int, weekday: int) -> date:
    """The second given weekday of the month (Monday 0)."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7)


def _seed_meetings(ctx: DemoContext, panels: list[Panel], members: dict[int, list[Any]]) -> list[Meeting]:
    """Monthly meetings from three years back to a year ahead; the past ones signed off by the chair."""
    rows: list[Meeting] = []
    start = add_months(ctx.today.replace(day=1), -37)
    for p_index, panel in enumerate(panels):
        weekday = (1, 2, 3)[p_index % 3]
        for i in range(37 + 13):
            month = add_months(start, i)
            held = _meeting_day(month.year, month.month, weekday)
            past = held < ctx.today
            rows.append(
                Meeting(
                    panel=panel,
                    held_on=held,
                    starts_at=time(14, 0) if p_index != 2 else time(10, 0),
                    location="Committee Room 2, Northbrook Council House" if i % 3 else "Online (Teams)",
                    signed_off_by=members[panel.pk][0] if past and members[panel.pk] else None,
                    signed_off_at=timezone.make_aware(datetime.combine(held, time(17, 0))) if past else None,
                    notes="Apologies noted. Minutes of the last meeting agreed. No other business." if past else "",
                )
            )
    Meeting.objects.bulk_create(rows)
    return list(Meeting.objects.filter(panel__in=panels).order_by("panel_id", "held_on"))


def _meeting_on_or_after(meetings: list[Meeting], day: date) -> Meeting | None:
    days = [m.held_on for m in meetings]
    i = bisect_left(days, day)
    return meetings[i] if i < len(meetings) else None


# --- Cases -------------------------------------------------------------------------------------------------------


def _align_and_plan(
    ctx: DemoContext, cases: list[Case], by_panel: dict[int, list[Meeting]], chairs: dict[int, Any], coordinator: Any
) -> None:
    """Moves each panel decision onto the date of a meeting, and gives each case an officer, a next review date
    and, for a few, an exit proposed."""
    rng = ctx.rng
    today = ctx.today
    _ensure_every_stage(ctx, cases, by_panel)
    for case in cases:
        meetings = by_panel.get(case.panel_id, [])
        decided = case.adopted_on or (case.closed_on if case.stage == Stage.NOT_ADOPTED else None)
        if decided is not None:
            # The decision is the panel's: it falls on a meeting day, before support began.
            limit = case.support_started_on or today
            held = [m for m in meetings if case.opened_on <= m.held_on < limit]
            anchor = case.discussed_on or decided
            meeting = next((m for m in held if m.held_on >= anchor), held[-1] if held else None)
            if meeting is not None:
                case.discussed_on = meeting.held_on
                if case.adopted_on:
                    case.adopted_on = meeting.held_on
                else:
                    case.closed_on = meeting.held_on
        case.case_officer = chairs.get(case.panel_id) if rng.random() < 0.3 else coordinator
        if case.stage in ADOPTED_STAGES:
            case.review_due_on = today + timedelta(days=rng.randint(-10, 45))
            case.exit_proposed = case.stage == Stage.SUPPORT and rng.random() < 0.12
        case.stage_changed_on = max(
            d
            for d in (
                case.opened_on, case.preliminary_assessment_on, case.discussed_on, case.adopted_on,
                case.support_started_on, case.exited_on, case.closed_on,
            )
            if d is not None
        )  # fmt: skip
    fields = [
        "discussed_on",
        "adopted_on",
        "closed_on",
        "case_officer",
        "review_due_on",
        "exit_proposed",
        "stage_changed_on",
    ]
    for i in range(0, len(cases), BATCH):
        Case.objects.bulk_update(cases[i : i + BATCH], fields)


REWIND_CYCLE = (
    Stage.INFORMATION_GATHERING, Stage.PRELIMINARY_ASSESSMENT, Stage.ADOPTED, Stage.DISCUSSED,
    Stage.INFORMATION_GATHERING, Stage.ADOPTED, Stage.PRELIMINARY_ASSESSMENT,
)  # fmt: skip


def _ensure_every_stage(ctx: DemoContext, cases: list[Case], by_panel: dict[int, list[Meeting]]) -> None:
    """The newest open cases are put back to the stages before support (about one in twelve, at least seven),
    so that every stage is on show at every scale: new cases for the next agenda, an adopted case waiting for
    consent."""
    today = ctx.today
    candidates = sorted(
        (c for c in cases if c.stage in (*PRE_PANEL_STAGES, *ADOPTED_STAGES)),
        key=lambda c: (c.opened_on, c.pk),
        reverse=True,
    )
    in_support = sum(1 for c in candidates if c.stage == Stage.SUPPORT)
    keep_in_support = max(2, in_support // 2)
    chosen: list[Case] = []
    for case in candidates:
        if len(chosen) >= max(7, len(cases) // 12):
            break
        if case.stage == Stage.SUPPORT:
            if in_support <= keep_in_support:
                continue
            in_support -= 1
        chosen.append(case)
    for i, case in enumerate(chosen):
        stage = REWIND_CYCLE[i % len(REWIND_CYCLE)]
        past = [m for m in by_panel.get(case.panel_id, []) if case.opened_on < m.held_on < today]
        last_meeting = past[-1].held_on if past else None
        if stage in (Stage.DISCUSSED, Stage.ADOPTED) and last_meeting is None:
            stage = Stage.PRELIMINARY_ASSESSMENT
        case.stage = stage
        case.preliminary_assessment_on = (
            min(case.opened_on + timedelta(days=7), today) if stage != Stage.INFORMATION_GATHERING else None
        )
        case.discussed_on = last_meeting if stage in (Stage.DISCUSSED, Stage.ADOPTED) else None
        case.adopted_on = last_meeting if stage == Stage.ADOPTED else None
        case.support_started_on = case.exited_on = case.closed_on = None
        case.exit_outcome = ""
        case.not_adopted_reason = ""
    fields = [
        "stage", "preliminary_assessment_on", "discussed_on", "adopted_on", "support_started_on", "exited_on",
        "closed_on", "exit_outcome", "not_adopted_reason",
    ]  # fmt: skip
    Case.objects.bulk_update(chosen, fields)


def _seed_case_records(ctx: DemoContext, cases: list[Case], chairs: dict[int, Any]) -> None:
    rng = ctx.rng
    today = ctx.today
    factors = list(VafFactor.objects.filter(is_active=True))
    entries: list[CaseEntry] = []
    consents: list[ConsentRecord] = []
    items: list[SupportItem] = []
    reviews: list[CaseReview] = []
    assessments: list[tuple[Case, date, Any, float]] = []
    # Assessments for every open case, and for closed ones only at the smaller scales (22 rows each).
    assess_closed = len(cases) <= 1000
    for case in cases:
        actor = chairs.get(case.panel_id) or case.case_officer
        if actor is None:
            continue
        if case.preliminary_assessment_on:
            entries.append(
                _e(case, EntryKind.STAGE, actor, case.preliminary_assessment_on, "", Stage.PRELIMINARY_ASSESSMENT)
            )
            entries.append(_e(case, EntryKind.NOTE, actor, case.preliminary_assessment_on + timedelta(days=2),
                              "Information from school, police and health gathered; family spoken to."))  # fmt: skip
        is_open = case.stage in OPEN_STAGES
        if case.preliminary_assessment_on and (is_open or assess_closed):
            assessments.append((case, case.preliminary_assessment_on + timedelta(days=3), actor, 0.55))
        if case.stage == Stage.NOT_ADOPTED:
            entries.append(_e(case, EntryKind.DECISION, actor, case.closed_on, "Panel decision, by consensus: Do not adopt.\n" + case.not_adopted_reason))  # fmt: skip
            entries.append(_e(case, EntryKind.STAGE, actor, case.closed_on, case.not_adopted_reason, Stage.NOT_ADOPTED))
        if case.stage == Stage.DISCUSSED and case.discussed_on:
            entries.append(_e(case, EntryKind.DECISION, actor, case.discussed_on, "Panel decision, by consensus: Gather more information."))  # fmt: skip
            entries.append(_e(case, EntryKind.STAGE, actor, case.discussed_on, "", Stage.DISCUSSED))
        if case.adopted_on:
            entries.append(_e(case, EntryKind.DECISION, actor, case.adopted_on, "Panel decision, by consensus: Adopt the case."))  # fmt: skip
            entries.append(_e(case, EntryKind.STAGE, actor, case.adopted_on, "", Stage.ADOPTED))
            # Consent: most adopted cases have it; a few recent ones are still waiting (the page says why).
            waiting = case.stage == Stage.ADOPTED and rng.random() < 0.5
            if not waiting:
                on = min(case.adopted_on + timedelta(days=rng.randint(2, 10)), case.support_started_on or today, today)
                consents.append(_consent(case, ConsentGiver.PERSON, ConsentStatus.GIVEN, on, actor))
                if case.is_under_18:
                    consents.append(
                        _consent(case, ConsentGiver.PARENT, ConsentStatus.GIVEN, on, actor, ctx.person_name())
                    )
                entries.append(_e(case, EntryKind.CONSENT, actor, on, "The person (informed consent): consent given."))
        if case.support_started_on:
            start = case.support_started_on
            entries.append(_e(case, EntryKind.STAGE, actor, start, "", Stage.SUPPORT))
            end = case.exited_on
            kinds = [
                SupportKind.INTERVENTION_PROVIDER,
                *rng.sample([SupportKind.MAINSTREAM, SupportKind.COMMUNITY], k=rng.randint(1, 2)),
            ]
            for kind in kinds:
                items.append(
                    SupportItem(
                        case=case, kind=kind, provider=rng.choice(PROVIDERS[kind]), starts_on=start,
                        ends_on=end, created_by=actor,
                        description="Weekly one-to-one sessions." if kind == SupportKind.INTERVENTION_PROVIDER else "",
                    )
                )  # fmt: skip
            if is_open or assess_closed:
                assessments.append((case, min(start + timedelta(days=90), end or today, today), actor, 0.3))
        if case.exited_on:
            if case.exit_outcome == ExitOutcome.WITHDREW_CONSENT:
                consents.append(_consent(case, ConsentGiver.PERSON, ConsentStatus.WITHDRAWN, case.exited_on, actor))
            entries.append(
                _e(
                    case,
                    EntryKind.EXIT,
                    actor,
                    case.exited_on,
                    f"Exit: {case.get_exit_outcome_display()}.",
                    Stage.EXITED,
                )
            )
            for kind, months in ((ReviewKind.SIX_MONTHS, 6), (ReviewKind.TWELVE_MONTHS, 12)):
                due = add_months(case.exited_on, months)
                done = (case.stage == Stage.CLOSED) or (case.stage == Stage.REVIEWS and kind == ReviewKind.SIX_MONTHS)
                returned = done and rng.random() < 0.06
                reviews.append(
                    CaseReview(
                        case=case, kind=kind, due_on=due, completed_on=min(due, today) if done else None,
                        concerns_returned=returned if done else None, completed_by=actor if done else None,
                        notes="Contact with the family and school; no new concerns." if done and not returned else "",
                        reminded_on=due - timedelta(days=14) if done else None,
                    )
                )  # fmt: skip
                if done:
                    text = f"{'6' if months == 6 else '12'}-month review: concerns {'have returned' if returned else 'have not returned'}."
                    entries.append(
                        _e(
                            case,
                            EntryKind.REVIEW,
                            actor,
                            min(due, today),
                            text,
                            Stage.REVIEWS if months == 6 else Stage.CLOSED,
                        )
                    )
    for model, rows in ((ConsentRecord, consents), (CaseReview, reviews)):
        for i in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[i : i + BATCH])
    for i in range(0, len(items), BATCH):
        SupportItem.objects.bulk_create(items[i : i + BATCH])
    if items and items[0].pk is None:  # databases that return no primary keys from bulk_create
        ids = list(SupportItem.objects.order_by("pk").values_list("pk", flat=True))[-len(items) :]
        for item, pk in zip(items, ids, strict=True):
            item.pk = item.id = pk
    for item in items:
        last = item.ends_on or today
        for step in range(1, 3):
            on = item.starts_on + timedelta(days=30 * step)
            if on <= last:
                entries.append(
                    CaseEntry(case=item.case, kind=EntryKind.PROGRESS, actor=item.created_by, on=on,
                              text=rng.choice(PROGRESS), support_item=item)
                )  # fmt: skip
    _seed_assessments(ctx, assessments, factors)
    for case, day, actor, _ in assessments:
        entries.append(
            _e(case, EntryKind.ASSESSMENT, actor, day, f"Vulnerability assessment: {len(factors)} factors rated.")
        )
    entries.sort(key=lambda e: (e.on, e.case_id))
    for i in range(0, len(entries), BATCH):
        CaseEntry.objects.bulk_create(entries[i : i + BATCH])


def _e(case: Case, kind: str, actor: Any, on: date, text: str, stage_after: str = "") -> CaseEntry:
    return CaseEntry(case=case, kind=kind, actor=actor, on=on, text=text, stage_after=stage_after)


def _consent(case: Case, giver: str, status: str, on: date, actor: Any, name: str = "") -> ConsentRecord:
    return ConsentRecord(case=case, giver=giver, status=status, on=on, recorded_by=actor, given_by_name=name)


def _seed_assessments(ctx: DemoContext, plan: list[tuple[Case, date, Any, float]], factors: list[VafFactor]) -> None:
    rng = ctx.rng
    rows = [Assessment(case=c, assessed_on=d, assessed_by=a, summary="") for c, d, a, _ in plan]
    for i in range(0, len(rows), BATCH):
        Assessment.objects.bulk_create(rows[i : i + BATCH])
    if rows and rows[0].pk is None:
        ids = list(Assessment.objects.order_by("pk").values_list("pk", flat=True))[-len(rows) :]
        for row, pk in zip(rows, ids, strict=True):
            row.pk = row.id = pk
    ratings: list[AssessmentRating] = []
    for assessment, (_, _, _, weight) in zip(rows, plan, strict=True):
        for factor in factors:
            roll = rng.random()
            value = 0 if roll > weight else (1 if roll > weight * 0.6 else (2 if roll > weight * 0.25 else 3))
            ratings.append(
                AssessmentRating(
                    assessment=assessment, factor=factor, factor_label=factor.label, dimension=factor.dimension,
                    rating=value, rationale=rng.choice(RATIONALES) if value else "",
                )
            )  # fmt: skip
    for i in range(0, len(ratings), 5000):
        AssessmentRating.objects.bulk_create(ratings[i : i + 5000])


def _seed_agendas(
    ctx: DemoContext,
    cases: list[Case],
    by_panel: dict[int, list[Meeting]],
    members: dict[int, list[Any]],
    chairs: dict[int, Any],
) -> None:
    """Past meetings: the decisions on each case, reviews of supported cases in the last six months, attendance,
    actions. Future meetings: nothing on the agenda yet, for the chair to build from the cases due."""
    rng = ctx.rng
    today = ctx.today
    items: list[AgendaItem] = []
    seen: set[tuple[int, int]] = set()
    recent_from = today - timedelta(days=183)

    def add(meeting: Meeting, case: Case, reason: str, decision: str, minutes: str, notes: str = "") -> None:
        if (meeting.pk, case.pk) in seen or meeting.held_on >= today:
            return
        seen.add((meeting.pk, case.pk))
        items.append(
            AgendaItem(
                meeting=meeting, case=case, reason=reason, order=len(items), minutes=minutes, decision=decision,
                decision_notes=notes, decision_recorded_by=chairs.get(case.panel_id),
                decision_recorded_at=timezone.make_aware(datetime.combine(meeting.held_on, time(16, 0))),
            )
        )  # fmt: skip

    for case in cases:
        meetings = by_panel.get(case.panel_id, [])
        if case.discussed_on:
            meeting = _meeting_on_or_after(meetings, case.discussed_on)
            if meeting is not None:
                if case.adopted_on:
                    add(
                        meeting,
                        case,
                        AgendaReason.NEW,
                        Decision.ADOPT,
                        "Partners shared what they know. Agreed the person would benefit from support.",
                    )
                elif case.stage == Stage.NOT_ADOPTED:
                    add(
                        meeting,
                        case,
                        AgendaReason.NEW,
                        Decision.NOT_ADOPT,
                        "Partners shared what they know.",
                        case.not_adopted_reason,
                    )
                else:
                    add(
                        meeting,
                        case,
                        AgendaReason.NEW,
                        Decision.MORE_INFORMATION,
                        "More information needed from health before a decision.",
                    )
        if case.support_started_on:
            last = case.exited_on or today
            for meeting in meetings:
                if recent_from <= meeting.held_on < last and meeting.held_on > case.support_started_on:
                    add(
                        meeting,
                        case,
                        AgendaReason.REVIEW,
                        Decision.CONTINUE,
                        "Progress reported by the Intervention Provider; support continues.",
                    )
            if case.exited_on:
                meeting = _meeting_on_or_after(meetings, case.exited_on - timedelta(days=31))
                if meeting is not None and meeting.held_on <= case.exited_on:
                    add(
                        meeting,
                        case,
                        AgendaReason.EXIT_PROPOSED,
                        Decision.EXIT,
                        "Exit agreed.",
                        str(case.get_exit_outcome_display()),
                    )
    for i in range(0, len(items), BATCH):
        AgendaItem.objects.bulk_create(items[i : i + BATCH])

    attendance: list[MeetingAttendance] = []
    actions: list[Action] = []
    demo_member = ctx.made.get("demo_users", {}).get("member@northbrook.example")
    for panel_id, meetings in by_panel.items():
        people = members.get(panel_id, [])
        for meeting in meetings:
            if meeting.held_on >= today:
                continue
            for index, person in enumerate(people):
                roll = 0.0 if index == 0 else rng.random()  # the chair, who signs the minutes off, was there
                status = (
                    Attendance.PRESENT if roll < 0.85 else Attendance.APOLOGIES if roll < 0.97 else Attendance.ABSENT
                )
                attendance.append(MeetingAttendance(meeting=meeting, user=person, agency="", status=status))
            if meeting.held_on >= today - timedelta(days=120) and people:
                for _ in range(rng.randint(1, 3)):
                    owner = rng.choice(people)
                    due = meeting.held_on + timedelta(days=rng.choice((14, 21, 28)))
                    actions.append(
                        Action(
                            meeting=meeting, description=rng.choice((
                                "Share the school's attendance figures with the case officer",
                                "Ask the GP whether a mental health referral has been made",
                                "Check police systems for new information before the next meeting",
                                "Confirm the mentor's start date with the family",
                                "Send the Intervention Provider's progress report to members",
                            )), owner=owner, due_on=due, done_on=due - timedelta(days=2) if due < today - timedelta(days=7) else None,
                            created_by=chairs.get(panel_id) or owner,
                        )
                    )  # fmt: skip
        if demo_member is not None and demo_member in people:
            last_meeting = max((m for m in meetings if m.held_on < today), key=lambda m: m.held_on, default=None)
            if last_meeting is not None:
                for text, days in (("Share police information on two new cases before the next meeting", 10),
                                   ("Update the panel on the Prevent officer's home visit", -3)):  # fmt: skip
                    actions.append(
                        Action(meeting=last_meeting, description=text, owner=demo_member, due_on=today + timedelta(days=days),
                               created_by=chairs.get(panel_id) or demo_member)
                    )  # fmt: skip
    agency_of = _agencies()
    for row in attendance:
        row.agency = agency_of.get((row.user_id, row.meeting.panel_id), "")
    for model, rows in ((MeetingAttendance, attendance), (Action, actions)):
        for i in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[i : i + BATCH])


def _agencies() -> dict[tuple[int, int], str]:

    return {
        (user_id, panel_id): agency
        for user_id, panel_id, agency in Membership.objects.filter(panel__isnull=False).values_list(
            "user_id", "panel_id", "agency"
        )
    }


# Stages the demo covers, for a quick check that every stage is present (tests/channel/test_demo.py).
DEMO_STAGES = (*PRE_PANEL_STAGES, *ADOPTED_STAGES, *AFTER_EXIT_STAGES, Stage.NOT_ADOPTED)
