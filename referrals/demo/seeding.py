"""Demo referrals for seed_demo: every status, plausible shares (education the largest sector; most referrals
signposted or closed with no further action; about one in seven discussed at a panel, one in ten at national
scale where the scale asks for 6,000 cases), and the panel cases of those sent to a panel.

Runs after channel (panels) and accounts (demo users and teams). Built with bulk_create: 60,000 referrals at
national scale. Invented names only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from accounts.models import User
from core.demo import WARDS, DemoContext
from schools.models import School

from ..models import (
    ConcernType,
    Decision,
    EarlyHelp,
    Ethnicity,
    EventKind,
    Gender,
    Indicator,
    ReferenceCounter,
    Referral,
    ReferralEvent,
    ReferralIndicator,
    ReferralSignpost,
    RoutingSettings,
    ScreeningAnswer,
    ScreeningQuestion,
    Sector,
    SignpostService,
    Status,
    YesNoUnknown,
    whole_years,
)
from .panel_cases import seed_panel_cases
from .rows import insert, insert_objects

OWN_SCHOOL_MAX = 12
YES_NO = tuple(YesNoUnknown.values)  # enum .values builds a new list on every call
EARLY_HELP = tuple(EarlyHelp.values)

# Shares close to the Home Office's published figures for England and Wales.
SECTORS = {
    Sector.EDUCATION: 38, Sector.POLICE: 29, Sector.LOCAL_AUTHORITY: 12, Sector.HEALTH: 11, Sector.COMMUNITY: 2,
    Sector.FRIENDS_FAMILY: 3, Sector.PRISONS: 1, Sector.PROBATION: 1, Sector.OTHER: 3,
}  # fmt: skip
# Types of concern in the shares of the Home Office's 2024/25 statistics (more than half with no clear ideology).
CONCERNS = {
    "Islamist": 10, "Extreme Right-Wing": 21, "Left-wing, anarchist or single issue": 1,
    "Conflicted: more than one ideology, none dominant": 5,
    "Fascination with extreme violence or mass casualty attacks (no other ideology)": 5, "Incel": 1, "Other": 2,
    "No ideology: other susceptibility to radicalisation identified": 30,
    "No ideology or susceptibility to radicalisation identified": 25,
}  # fmt: skip
# Age at referral, by band (education referrals are all of school age).
AGES = {(8, 10): 9, (11, 15): 36, (16, 17): 14, (18, 20): 11, (21, 30): 13, (31, 40): 9, (41, 70): 8}
SCHOOL_AGES = {(8, 10): 15, (11, 15): 62, (16, 17): 23}
GENDERS = {Gender.MALE: 88, Gender.FEMALE: 10, Gender.OTHER: 1, Gender.NOT_KNOWN: 1}
ETHNICITIES = {
    "": 40,
    Ethnicity.WHITE: 30,
    Ethnicity.ASIAN: 15,
    Ethnicity.BLACK: 6,
    Ethnicity.MIXED: 6,
    Ethnicity.OTHER: 3,
}
# Outcomes of decided referrals other than a panel.
OUTCOMES = {
    Decision.NO_FURTHER_ACTION: 40, Decision.SIGNPOSTED: 45, Decision.CSC_ASSESSMENT: 10, Decision.POLICE_LED: 5,
}  # fmt: skip
CAME_TO_LIGHT = (
    "A teacher heard it in class.",
    "A friend told a member of staff.",
    "Seen by staff on the school's online monitoring.",
    "A parent contacted the school.",
    "Raised by a youth worker after a session.",
    "Reported by a neighbour to the police.",
    "Noticed by a GP during an appointment.",
)
NARRATIVES = (
    "Has been sharing videos that praise a recent attack in a group chat and talks about it at length.",
    "Drawing symbols linked to an extremist group on exercise books; said the group is right about 'them'.",
    "Spends long hours on forums that glorify mass shootings; asked a classmate about weapons.",
    "Expresses anger at a named community after an incident locally; repeated phrases from online material.",
    "Has become withdrawn and talks about a grievance against the school; searched for attack manuals.",
    "Shared stickers from a far-right group in the neighbourhood; older contacts encourage this.",
    "Talks about women in hateful terms and praises an 'incel' attacker; isolated from peers.",
)


def _weighted(ctx: DemoContext, table: dict[Any, int], n: int) -> list[Any]:
    return ctx.rng.choices(list(table), weights=list(table.values()), k=n)


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed(ctx: DemoContext) -> None:

    n = ctx.scale.referrals
    rng = ctx.rng
    today = ctx.today
    users: dict[str, User] = ctx.made.get("demo_users", {})
    coordinator = users.get("coordinator@northbrook.example") or User.objects.order_by("pk").first()
    practitioner = users.get("practitioner@northbrook.example", coordinator)
    adviser = users.get("adviser@northbrook.example", coordinator)
    dsl = users.get("dsl@northbrook.example")
    dsl2 = users.get("dsl2@northbrook.example")
    teams = list(ctx.made.get("teams", {}).values())
    panels = ctx.made.get("panels", {})
    school_ids: list[int] = ctx.made.get("school_ids") or list(School.objects.values_list("id", flat=True))
    school_names = dict(School.objects.filter(pk__in=school_ids[:5000]).values_list("id", "name"))
    local_schools = list(school_names)  # referrals come from a few thousand schools at most

    routing, _ = RoutingSettings.objects.get_or_create(pk=1)
    if panels:
        routing.under_18_panel = panels.get("channel")
        routing.adult_panel = panels.get("adult") or panels.get("channel")
        routing.triage_target_days = 5
        routing.save()

    concern_types = {c.label: c for c in ConcernType.objects.all()}
    indicators = list(Indicator.objects.filter(is_active=True))
    questions = list(ScreeningQuestion.objects.filter(is_active=True))
    services = list(SignpostService.objects.filter(is_active=True))

    panel_share = min(ctx.scale.cases / max(n, 1), 1 / 7) if ctx.scale.cases else 1 / 7
    first_day = today - timedelta(days=3 * 365)
    span = (today - first_day).days
    sectors = _weighted(ctx, SECTORS, n)
    concerns = _weighted(ctx, CONCERNS, n)
    genders = _weighted(ctx, GENDERS, n)
    ethnicities = _weighted(ctx, ETHNICITIES, n)
    # Spread over three years, more recently more (referrals have risen), ordered by date.
    # The most recent ones are still open, in every open status, some past the triage target.
    recent = min(n, max(9, n // 40))
    days = sorted(
        [first_day + timedelta(days=int((span - 21) * (rng.random() ** 0.8))) for _ in range(n - recent)]
        + [today - timedelta(days=rng.randint(0, 20)) for _ in range(recent)]
    )
    open_from = n - recent

    referrals: list[Referral] = []
    counters: dict[int, int] = {}
    own_made = [0, 0]
    for i in range(n):
        sector = sectors[i]
        submitted_on = days[i]
        age_band = _weighted(ctx, SCHOOL_AGES if sector == Sector.EDUCATION else AGES, 1)[0]
        age = rng.randint(*age_band)
        born = _born(ctx, age=age, on=submitted_on)
        school_id = None
        created_by = coordinator
        organisation = {
            Sector.POLICE: "Northbrook Police Prevent Team", Sector.HEALTH: "Northbrook NHS Trust",
            Sector.LOCAL_AUTHORITY: "Northbrook City Council", Sector.PRISONS: "HMP Northbrook",
            Sector.PROBATION: "Probation Service, Northbrook", Sector.COMMUNITY: "Northbrook Youth Project",
            Sector.FRIENDS_FAMILY: "Family member", Sector.OTHER: "Northbrook Housing Association",
        }.get(sector, "")  # fmt: skip
        if age < 18 and local_schools and (sector == Sector.EDUCATION or rng.random() < 0.6):
            roll = rng.random()
            # The demo DSLs' schools have a handful each, as a real school would.
            if sector == Sector.EDUCATION and roll < 0.08 and dsl is not None and own_made[0] < OWN_SCHOOL_MAX:
                own_made[0] += 1
                school_id, created_by = school_ids[0], dsl
            elif sector == Sector.EDUCATION and roll < 0.12 and dsl2 is not None and own_made[1] < OWN_SCHOOL_MAX:
                own_made[1] += 1
                school_id, created_by = school_ids[1], dsl2
            else:
                school_id = rng.choice(local_schools)
                if sector == Sector.EDUCATION and roll < 0.2:
                    created_by = adviser
            if sector == Sector.EDUCATION:
                organisation = school_names.get(school_id, "A Northbrook school")
        elif sector == Sector.LOCAL_AUTHORITY and rng.random() < 0.5:
            created_by = practitioner
        counters[submitted_on.year] = counters.get(submitted_on.year, 0) + 1
        concern_label = concerns[i]
        referral = Referral(
            reference=f"NB-{submitted_on.year}-{counters[submitted_on.year]:05d}",
            status=Status.NEW,
            created_by=created_by,
            submitted_at=_at(submitted_on, rng.randint(8, 17)),
            submitted_on=submitted_on,
            first_name=ctx.person_name().split(" ")[0],
            last_name=ctx.person_name().split(" ")[1],
            date_of_birth=born if rng.random() < 0.9 else None,
            age_given=None,
            gender=genders[i],
            ethnicity=ethnicities[i],
            address_area=rng.choice(WARDS),
            school_id=school_id,
            not_in_school=school_id is None,
            referrer_sector=sector,
            referrer_organisation=organisation,
            referrer_name=ctx.person_name(),
            referrer_email="referrer@northbrook.example",
            concern_type=concern_types.get(concern_label),
            concern_type_label=concern_label,
            narrative=rng.choice(NARRATIVES),
            came_to_light=rng.choice(CAME_TO_LIGHT),
            mental_health=rng.choice(YES_NO),
            neurodiversity=rng.choices(("yes", "no", "not_known", ""), weights=(15, 45, 20, 20))[0],
            exploitation=rng.choice(YES_NO),
            online_harm=rng.choice(YES_NO),
            family_spoken_to=rng.choice(YES_NO),
            early_help=rng.choice(EARLY_HELP),
            team_around_child=rng.choice(YES_NO),
        )
        if referral.date_of_birth is None:
            referral.age_given = age
        referral.age_at_referral = referral.age_on(submitted_on)  # the one rule, as referral_submit does
        if teams:
            referral.assigned_team = teams[0] if rng.random() < 0.4 else rng.choice(teams)
        if i >= open_from and (i - open_from) % 4 != 3:
            referral.status = (Status.NEW, Status.SCREENING, Status.AWAITING_INFORMATION)[(i - open_from) % 4]
            if referral.status == Status.NEW:
                referral.assigned_team = None
        else:
            _decide(ctx, referral, today=today, panel_share=panel_share, panels=panels, actor=coordinator)
        referrals.append(referral)

    # A few drafts, one for each demo maker.
    for maker in (dsl, dsl2, adviser, practitioner):
        if maker is None:
            continue
        referrals.append(
            Referral(
                status=Status.DRAFT, created_by=maker, first_name=ctx.person_name().split(" ")[0],
                school_id=school_ids[0] if maker is dsl else None, referrer_sector=Sector.EDUCATION,
            )
        )  # fmt: skip

    insert_objects(Referral, referrals)
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=y, last=last) for y, last in counters.items()])
    submitted = [r for r in referrals if r.status != Status.DRAFT]

    _seed_children(ctx, submitted, indicators=indicators, questions=questions, services=services, actor=coordinator)
    _seed_awaiting_confirmation(submitted, questions=questions, proposer=practitioner, today=today)
    panel_ids = seed_panel_cases(ctx, submitted, actor=coordinator)
    ctx.made["panel_referral_ids"] = panel_ids
    ctx.made["referral_ids"] = [r.pk for r in submitted]
    by_status: dict[str, int] = {}
    for r in submitted:
        by_status[r.status] = by_status.get(r.status, 0) + 1
    ctx.say(f"  {len(submitted)} referrals ({', '.join(f'{k} {v}' for k, v in sorted(by_status.items()))}), "
            f"{len(panel_ids)} sent to panel")  # fmt: skip


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _born(ctx: DemoContext, *, age: int, on: date) -> date:
    """A date of birth that makes the person exactly `age` on `on` (calendar years, not 365-day ones)."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + timedelta(days=1)
    born = earliest + timedelta(days=ctx.rng.randint(0, (latest - earliest).days))
    assert whole_years(since=born, on=on) == age
    return born


def _decide(ctx: DemoContext, referral: Referral, *, today: date, panel_share: float, panels: dict, actor: Any) -> None:
    """A decision a few days after the referral: to a panel for about one in seven, else mostly signposted or
    no further action."""
    rng = ctx.rng
    submitted_on = referral.submitted_on
    assert submitted_on is not None  # seed() sets it before deciding
    decided_on = min(submitted_on + timedelta(days=rng.randint(1, 12)), today)
    age = referral.age_on(decided_on)
    assert age is not None  # every demo referral has a date of birth or an age
    referral.decided_at = _at(decided_on, rng.randint(9, 17))
    referral.decided_by = actor
    referral.proposed_by, referral.proposed_at = actor, referral.decided_at
    referral.age_at_decision = age
    if rng.random() < panel_share and panels:
        child = age < 18
        referral.decision = Decision.PANEL_UNDER_18 if child else Decision.PANEL_ADULT
        referral.decision_panel = panels.get("channel") if child else (panels.get("adult") or panels.get("channel"))
        referral.status = Status.AT_PANEL
        referral.decision_notes = "Susceptible to radicalisation: needs a multi-agency plan."
    else:
        referral.decision = _weighted(ctx, OUTCOMES, 1)[0]
        referral.status = Status.DECIDED
        notes: dict[str, str] = {
            Decision.NO_FURTHER_ACTION: "No Prevent concern found after screening.",
            Decision.SIGNPOSTED: "Needs met by universal and early help services.",
            Decision.CSC_ASSESSMENT: "Wider safeguarding needs: a social care assessment.",
            Decision.POLICE_LED: "Passed to police: a risk that needs a police response.",
        }
        referral.decision_notes = notes[referral.decision]
    referral.proposed_decision = referral.decision


def _seed_children(
    ctx: DemoContext, referrals: list[Referral], *, indicators: list, questions: list, services: list, actor: Any
) -> None:
    rng = ctx.rng
    when = connection.ops.adapt_datetimefield_value
    indicator_rows: list[tuple] = []
    signposts: list[tuple] = []
    answers: list[tuple] = []
    events: list[tuple] = []
    # Screening answers for the most recent referrals only (the tool's answers are read on recent cases).
    screened_from = len(referrals) - min(len(referrals), 3000)

    def event(r: Referral, kind: str, by: Any, at: datetime, status: str, text: str = "") -> None:
        events.append((r.pk, kind, by.pk, when(at), text, status))

    for index, r in enumerate(referrals):
        for indicator in rng.sample(indicators, k=min(len(indicators), rng.randint(1, 2))):
            indicator_rows.append((r.pk, indicator.pk, indicator.label))
        made = r.submitted_at
        assert made is not None  # only submitted referrals come here
        event(r, EventKind.SUBMITTED, r.created_by, made, Status.NEW)
        if r.assigned_team_id:
            event(
                r,
                EventKind.ASSIGNED,
                actor,
                made + timedelta(hours=3),
                Status.SCREENING,
                f"Assigned to {r.assigned_team}",
            )
        if r.status == Status.AWAITING_INFORMATION:
            event(
                r, EventKind.INFORMATION_REQUESTED, actor, made + timedelta(hours=5), Status.AWAITING_INFORMATION,
                "Asked the school and the GP for what they know.",
            )  # fmt: skip
        if r.status != Status.NEW and index >= screened_from:
            at = when(made + timedelta(hours=4))
            for question in questions:
                # An escalating "Yes" would have needed a second coordinator: the demo's past decisions had none.
                answer = "no" if question.escalates else rng.choice(YES_NO)
                answers.append((r.pk, question.pk, question.label, answer, "", actor.pk, at))
        if r.decision and r.decided_at is not None:
            text = r.get_decision_display() + (f": {r.decision_panel}" if r.decision_panel else "")
            event(r, EventKind.DECIDED, actor, r.decided_at, r.status, text)
        if r.decision == Decision.SIGNPOSTED and services:
            for service in rng.sample(services, k=rng.randint(1, 2)):
                signposts.append((r.pk, service.pk, service.label))
    insert(ReferralIndicator, ("referral_id", "indicator_id", "label"), indicator_rows)
    insert(ReferralSignpost, ("referral_id", "service_id", "label"), signposts)
    insert(
        ScreeningAnswer,
        ("referral_id", "question_id", "question_text", "answer", "comment", "answered_by_id", "answered_at"),
        answers,
    )
    insert(ReferralEvent, ("referral_id", "kind", "actor_id", "occurred_at", "text", "status_after"), events)


def _seed_awaiting_confirmation(referrals: list[Referral], *, questions: list, proposer: Any, today: date) -> None:
    """One referral being screened with an escalating "Yes" and "No further action" proposed by the practitioner:
    it waits in the queue for a coordinator's confirmation (the demo coordinator can give it)."""
    referral = next((r for r in reversed(referrals) if r.status == Status.SCREENING and r.assigned_team_id), None)
    if referral is None or proposer is None:
        return
    now = _at(today, 9)
    for question in questions:
        answer = "yes" if question.escalates else "no"
        ScreeningAnswer.objects.update_or_create(
            referral=referral, question=question,
            defaults={"question_text": question.label, "answer": answer, "answered_by": proposer, "answered_at": now},
        )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(
        status=Status.AWAITING_CONFIRMATION, proposed_decision=Decision.NO_FURTHER_ACTION, proposed_by=proposer,
        proposed_at=now, decision_notes="The police Prevent team already lead on this and see no risk now; the "
        "family have moved out of the area.",
    )  # fmt: skip
    ReferralEvent.objects.create(
        referral=referral, kind=EventKind.PROPOSED, actor=proposer, status_after=Status.AWAITING_CONFIRMATION,
        occurred_at=now,
        text=f"No further action, proposed by {proposer}: awaiting a second coordinator's confirmation.",
    )  # fmt: skip
