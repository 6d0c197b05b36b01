"""Each demo case's plan (decisions on meeting days, an officer, the next review) and its records: consent,
assessments, support plans, reviews after exit and the chronology."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from core.demo import DemoContext

from ..models.assessments import Assessment, AssessmentRating, VafFactor
from ..models.cases import (
    ADOPTED_STAGES,
    OPEN_STAGES,
    PRE_PANEL_STAGES,
    CapacityAssessment,
    CapacityOutcome,
    Case,
    CaseEntry,
    CaseReview,
    ConsentGiver,
    ConsentRecord,
    ConsentStatus,
    ContactFrequency,
    EntryKind,
    ExitOutcome,
    ReviewKind,
    Stage,
    SupportContact,
    SupportItem,
    SupportKind,
)
from ..models.meetings import Meeting
from ..services.case_rows import add_months
from . import BATCH

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


def align_and_plan(
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


def seed_case_records(ctx: DemoContext, cases: list[Case], chairs: dict[int, Any]) -> None:
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
        if case.stage == Stage.NOT_ADOPTED and case.closed_on:
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
                weekly = kind == SupportKind.INTERVENTION_PROVIDER
                items.append(
                    SupportItem(
                        case=case, kind=kind, provider=rng.choice(PROVIDERS[kind]), starts_on=start,
                        ends_on=end, created_by=actor, description="Weekly one-to-one sessions." if weekly else "",
                        planned_frequency=ContactFrequency.WEEKLY if weekly else rng.choice(FREQUENCIES),
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
            for review_kind, months in ((ReviewKind.SIX_MONTHS, 6), (ReviewKind.TWELVE_MONTHS, 12)):
                due = add_months(case.exited_on, months)
                done = (case.stage == Stage.CLOSED) or (
                    case.stage == Stage.REVIEWS and review_kind == ReviewKind.SIX_MONTHS
                )
                returned = done and rng.random() < 0.06
                reviews.append(
                    CaseReview(
                        case=case, kind=review_kind, due_on=due, completed_on=min(due, today) if done else None,
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
    for i in range(0, len(consents), BATCH):
        ConsentRecord.objects.bulk_create(consents[i : i + BATCH])
    for i in range(0, len(reviews), BATCH):
        CaseReview.objects.bulk_create(reviews[i : i + BATCH])
    for i in range(0, len(items), BATCH):
        SupportItem.objects.bulk_create(items[i : i + BATCH])
    if items and items[0].pk is None:  # databases that return no primary keys from bulk_create
        ids = list(SupportItem.objects.order_by("pk").values_list("pk", flat=True))[-len(items) :]
        for item, pk in zip(items, ids, strict=True):
            item.pk = item.id = pk
    _seed_contacts(ctx, items)
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


FREQUENCIES = (ContactFrequency.FORTNIGHTLY, ContactFrequency.MONTHLY, ContactFrequency.AS_NEEDED)
INTERVAL_DAYS: dict[str, int] = {
    ContactFrequency.WEEKLY: 7,
    ContactFrequency.FORTNIGHTLY: 14,
    ContactFrequency.MONTHLY: 30,
}
CONTACT_NOTES = ("Session held.", "Met at school.", "Phone call; next session booked.", "Session moved by a day.", "")


def _seed_contacts(ctx: DemoContext, items: list[SupportItem]) -> None:
    """The contacts made under each running support item, at about its planned rate (the last dozen of each); the
    newest item of each panel and about one in eight of the rest (of cases still in support) have had none for five to eight
    weeks, so the 'no contact for 30 days' flag shows."""
    rng = ctx.rng
    today = ctx.today
    contacts: list[SupportContact] = []
    lapsed_panels: set[int] = set()
    for item in reversed(items):  # newest first: the case whose consent the demo withdraws is the oldest
        if item.case.stage != Stage.SUPPORT:
            continue
        every = INTERVAL_DAYS.get(item.planned_frequency, 21)
        last = item.ends_on or today
        first_of_panel = item.case.panel_id not in lapsed_panels
        if (first_of_panel or rng.random() < 0.125) and item.starts_on < today - timedelta(days=40):
            lapsed_panels.add(item.case.panel_id)
            last = min(last, today - timedelta(days=rng.randint(35, 56)))
        days: list[date] = []
        on = item.starts_on + timedelta(days=rng.randint(1, 5))
        while on <= last:
            days.append(on)
            on += timedelta(days=every + rng.randint(-1, 2))
        for day in days[-12:]:
            contacts.append(
                SupportContact(
                    item=item,
                    on=day,
                    made_by=item.provider,
                    note=rng.choice(CONTACT_NOTES),
                    recorded_by=item.created_by,
                )
            )
    for i in range(0, len(contacts), BATCH):
        SupportContact.objects.bulk_create(contacts[i : i + BATCH])


def seed_case_flags(ctx: DemoContext, cases: list[Case], chairs: dict[int, Any]) -> None:
    """A few cases that show what needs the panel's attention: a person turning 18 within the month, consent
    withdrawn during support (support stopped, on the next agenda), and an adult assessed as lacking capacity to
    consent, supported on a best-interests decision."""
    today = ctx.today
    in_support = [c for c in cases if c.stage == Stage.SUPPORT and chairs.get(c.panel_id)]
    children = [c for c in in_support if (c.referral.age_at_decision or 18) < 18]
    turning = children[-1] if children else None
    if turning is not None:
        birthday = today + timedelta(days=12)
        born = (
            birthday.replace(year=birthday.year - 18)
            if (birthday.month, birthday.day) != (2, 29)
            else date(birthday.year - 18, 3, 1)
        )
        type(turning.referral).objects.filter(pk=turning.referral_id).update(date_of_birth=born, age_given=None)
    withdrawn = next((c for c in in_support if c is not turning), None)
    if withdrawn is not None:
        actor = chairs[withdrawn.panel_id]
        on = today - timedelta(days=4)
        ConsentRecord.objects.create(
            case=withdrawn, giver=ConsentGiver.PERSON, status=ConsentStatus.WITHDRAWN, on=on, recorded_by=actor,
            notes="Told the mentor they no longer want to take part.",
        )  # fmt: skip
        SupportItem.objects.filter(case=withdrawn).filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on)).update(
            ends_on=on, end_reason="Consent withdrawn"
        )
        withdrawn.stage, withdrawn.stage_changed_on = Stage.ADOPTED, on
        withdrawn.consent_withdrawn_on, withdrawn.exit_proposed = on, True
        Case.objects.filter(pk=withdrawn.pk).update(
            stage=Stage.ADOPTED, stage_changed_on=on, consent_withdrawn_on=on, exit_proposed=True
        )
        CaseEntry.objects.create(
            case=withdrawn, kind=EntryKind.STAGE, actor=actor, on=on, stage_after=Stage.ADOPTED,
            text="Consent withdrawn: support stopped. The panel decides on exit or an exception.",
        )  # fmt: skip
    adults = [
        c for c in cases
        if c.stage in OPEN_STAGES and (c.referral.age_on(today) or 0) >= 18 and c not in (turning, withdrawn)
        and chairs.get(c.panel_id)
    ]  # fmt: skip
    if adults:
        case = adults[0]
        CapacityAssessment.objects.create(
            case=case, assessed_on=max(case.opened_on, today - timedelta(days=20)),
            assessor="Dr R. Okafor, consultant psychiatrist", outcome=CapacityOutcome.LACKS_CAPACITY,
            best_interests_decision="Mentoring with the supported-living team present, agreed with the person's "
            "sister and care coordinator.",
            recorded_by=chairs[case.panel_id],
        )  # fmt: skip


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
