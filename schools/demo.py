"""Demo schools and other institutions for seed_demo (bulk inserts, so `national` stays fast)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.demo import PLACES, WARDS, DemoContext

from .models import (
    ChecklistConfirmation,
    ChecklistItem,
    Contact,
    ContactRole,
    Institution,
    InstitutionKind,
    MeetingKind,
    NetworkMeeting,
    Phase,
    RRSALevel,
    RRSALevelChange,
    School,
    SchoolType,
    Status,
    SupportTier,
    Visit,
    VisitAction,
    VisitKind,
    VisitPurpose,
)
from .services.visits import school_last_visits_rebuild

# (phase, GIAS phase name, suffix, share) roughly as in a large English city.
PHASE_MIX = [
    (Phase.PRIMARY, "Primary", "Primary School", 0.66),
    (Phase.SECONDARY, "Secondary", "Academy", 0.17),
    (Phase.SPECIAL, "Not applicable", "School", 0.07),
    (Phase.EARLY_YEARS, "Nursery", "Nursery School", 0.04),
    (Phase.ALL_THROUGH, "All-through", "School", 0.03),
    (Phase.PRU, "Not applicable", "Pupil Referral Unit", 0.02),
    (Phase.FE, "16 plus", "Sixth Form College", 0.01),
]
TYPE_MIX = [
    (SchoolType.MAINTAINED, "Community school", "Local authority maintained schools", 0.45),
    (SchoolType.ACADEMY, "Academy converter", "Academies", 0.38),
    (SchoolType.FREE_SCHOOL, "Free schools", "Free Schools", 0.07),
    (SchoolType.INDEPENDENT, "Other independent school", "Independent schools", 0.10),
]
POSTCODE_AREAS = ("NB1", "NB2", "NB3", "NB4", "NB5", "NB6", "NB7", "NB8", "NB9", "NB10", "NB11", "NB12")


def _pick(ctx: DemoContext, mix: list[tuple]) -> tuple:  # type: ignore[type-arg]
    roll = ctx.rng.random()
    total = 0.0
    for row in mix:
        total += row[-1]
        if roll <= total:
            return row
    return mix[0]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    schools: list[School] = []
    used: set[str] = set()
    for i in range(ctx.scale.schools):
        phase, phase_name, suffix, _ = _pick(ctx, PHASE_MIX)
        school_type, type_name, type_group, _ = _pick(ctx, TYPE_MIX)
        base = f"{rng.choice(PLACES)} {suffix}"
        name = base if base not in used else f"{base} ({i + 1})"
        used.add(name)
        roll = rng.random()
        status, open_date, close_date = Status.OPEN, None, None
        if roll < 0.04:
            status, close_date = Status.CLOSED, ctx.date_between(date(2014, 1, 1), date(2025, 8, 31))
        elif roll < 0.10:
            open_date = ctx.date_between(date(2012, 9, 1), date(2024, 9, 1))
        first = ctx.person_name().split()
        schools.append(
            School(
                urn=200000 + i,
                la_code=ctx.scale.la_code,
                la_name="Northbrook",
                establishment_number=f"{2000 + i}",
                name=name,
                type_name=type_name,
                type_group=type_group,
                school_type=school_type,
                status=status,
                phase=phase,
                phase_name=phase_name,
                open_date=open_date,
                close_date=close_date,
                pupils=rng.randint(40, 420) if phase in (Phase.PRIMARY, Phase.EARLY_YEARS) else rng.randint(80, 1600),
                street=f"{rng.randint(1, 220)} {rng.choice(PLACES)} Road",
                town="Northbrook",
                postcode=f"{rng.choice(POSTCODE_AREAS)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
                ward=rng.choice(WARDS),
                head_title=rng.choice(["Mr", "Mrs", "Ms", "Dr", "Miss"]),
                head_first_name=first[0],
                head_last_name=first[1],
                support_tier=_pick(
                    ctx, [(SupportTier.UNIVERSAL, 0.80), (SupportTier.SPECIALIST, 0.15), (SupportTier.INTENSIVE, 0.05)]
                )[0],
                rrsa_level=_pick(
                    ctx,
                    [
                        (RRSALevel.NONE, 0.50),
                        (RRSALevel.REGISTERED, 0.15),
                        (RRSALevel.BRONZE, 0.17),
                        (RRSALevel.SILVER, 0.12),
                        (RRSALevel.GOLD, 0.06),
                    ],
                )[0],
            )
        )
    _insert(School, schools)
    institutions = []
    kinds = list(InstitutionKind)
    for i in range(ctx.scale.institutions):
        kind = kinds[i % len(kinds)]
        institutions.append(
            Institution(
                name=f"{rng.choice(PLACES)} {kind.label} {i + 1}",
                kind=kind,
                ward=rng.choice(WARDS),
            )
        )
    _insert(Institution, institutions)
    ctx.made["school_ids"] = list(School.objects.order_by("urn").values_list("id", flat=True))
    ctx.say(f"  {len(schools)} schools, {len(institutions)} other institutions")
    _seed_local_records(ctx)


def finish(ctx: DemoContext) -> None:
    """Second phase of seed_demo: the demo users arrive with the accounts seed, after this one."""
    after_accounts(ctx)


RRSA_ORDER = [RRSALevel.REGISTERED, RRSALevel.BRONZE, RRSALevel.SILVER, RRSALevel.GOLD]
ACTION_TEXTS = (
    "Send the model Prevent risk assessment",
    "Share the online filtering and monitoring checklist",
    "Book WRAP for all staff",
    "Book the DSL on the PVE refresher",
    "Update the visitors and external speakers policy",
    "Send British values curriculum resources",
    "Review the safeguarding policy section on radicalisation",
    "Put the school in touch with the RRSA coordinator",
)
VISIT_NOTES = (
    "Reviewed the Prevent risk assessment with the DSL; two actions agreed.",
    "Termly check-in. No concerns raised. Staff training plan discussed.",
    "Advice by phone on a concern; the DSL will follow the CSC Prevent screening guidance.",
    "Met the head teacher and DSL about community tension after a local incident.",
    "Walked through the online filtering and monitoring arrangements.",
    "Discussed curriculum resources for British values and the RRSA journey.",
)


def _insert(model: type[models.Model], objs: list[Any]) -> None:
    """Plain multi-row INSERTs of unsaved instances. At national scale (about 280,000 rows here) Django's
    bulk_create spends most of its time preparing each value; these models hold only text, numbers, booleans,
    dates and foreign key ids, so the values go in as they are (dates adapted for the database)."""
    if not objs:
        return
    ops = connection.ops
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model's own metadata; every value is a query parameter.
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    adapters: list[Any] = []
    for f in fields:
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            adapters.append(lambda v: ops.adapt_datetimefield_value(v or now))
        elif isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        else:
            adapters.append(None)
    plan = [(f.attname, adapt) for f, adapt in zip(fields, adapters, strict=True)]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), 5000):
            rows = []
            for obj in objs[start : start + 5000]:
                values = obj.__dict__
                rows.append(tuple(adapt(values[a]) if adapt else values[a] for a, adapt in plan))
            cursor.executemany(sql, rows)


def _email(role: str, urn: int) -> str:
    return f"{role}.{urn}@schools.northbrook.example"


def _seed_local_records(ctx: DemoContext) -> None:
    """Contacts, checklists, RRSA history, visits with actions and network meetings, in bulk."""
    rng = ctx.rng
    today = ctx.today
    rows = list(
        School.objects.order_by("urn").values_list(
            "id", "urn", "support_tier", "rrsa_level", "status", "head_title", "head_first_name", "head_last_name"
        )
    )
    open_rows = [r for r in rows if r[4] != Status.CLOSED]

    contacts: list[Contact] = []
    for school_id, urn, _tier, _rrsa, status, _title, first, last in rows:
        current = status != Status.CLOSED
        contacts.append(
            Contact(
                school_id=school_id, full_name=ctx.person_name(), role=ContactRole.DSL, email=_email("dsl", urn),
                phone=f"0121 496 {rng.randint(0, 9999):04d}", is_prevent_spoc=rng.random() < 0.7, is_current=current,
            )
        )  # fmt: skip
        if rng.random() < 0.8:
            contacts.append(
                Contact(
                    school_id=school_id, full_name=ctx.person_name(), role=ContactRole.DEPUTY_DSL,
                    email=_email("deputy", urn), is_current=current,
                )
            )  # fmt: skip
        contacts.append(
            Contact(
                school_id=school_id, full_name=f"{first} {last}".strip() or ctx.person_name(),
                role=ContactRole.HEAD_TEACHER, email=_email("head", urn), is_current=current,
            )
        )  # fmt: skip
        if rng.random() < 0.2:
            contacts.append(
                Contact(
                    school_id=school_id, full_name=ctx.person_name(), role=ContactRole.PREVENT_LEAD,
                    email=_email("prevent", urn), is_current=current,
                )
            )  # fmt: skip
        if rng.random() < 0.05:  # a DSL who has left, kept for history
            contacts.append(
                Contact(
                    school_id=school_id, full_name=ctx.person_name(), role=ContactRole.DSL, is_current=False,
                )
            )  # fmt: skip
    _insert(Contact, contacts)

    checklist: list[ChecklistConfirmation] = []
    items = list(ChecklistItem.values)
    for school_id, *_ in open_rows:
        if rng.random() < 0.25:
            continue  # never returned their checklist
        confirmed = ctx.date_between(today - timedelta(days=730), today - timedelta(days=3))
        for item in items:
            checklist.append(
                ChecklistConfirmation(
                    school_id=school_id, item=item, in_place=rng.random() < 0.85,
                    confirmed_on=confirmed if rng.random() < 0.9 else None,
                )
            )  # fmt: skip
    _insert(ChecklistConfirmation, checklist)

    history: list[RRSALevelChange] = []
    for school_id, _urn, _tier, rrsa, *_ in rows:
        if not rrsa:
            continue
        reached = RRSA_ORDER.index(RRSALevel(rrsa))
        day = ctx.date_between(date(2016, 1, 1), date(2019, 12, 31))
        for level in RRSA_ORDER[: reached + 1]:
            history.append(RRSALevelChange(school_id=school_id, level=level, achieved_on=min(day, today)))
            day += timedelta(days=rng.randint(200, 700))
    _insert(RRSALevelChange, history)

    _seed_visits(ctx, open_rows)
    _seed_meetings(ctx)
    ctx.say(f"  {len(contacts)} contacts, {len(checklist)} checklist answers, {len(history)} RRSA levels")


def _officer(ctx: DemoContext) -> Any:
    """The adviser who logged the earlier visits: a former member of staff, kept so that history reads. The demo
    adviser of accounts/demo.py takes over the recent visits' actions in after_accounts()."""

    user = User.objects.create(
        email="former.adviser@northbrook.example",
        full_name="Kezia Thackeray",
        job_title="Schools Resilience Adviser (until 2025)",
        password=make_password(None),
        is_active=False,
    )
    ctx.made["schools_former_adviser"] = user
    return user


def _seed_visits(ctx: DemoContext, open_rows: list[tuple[Any, ...]]) -> None:
    rng = ctx.rng
    today = ctx.today
    adviser = _officer(ctx)
    if not open_rows:
        return
    # Intensive schools get more visits than universal ones.
    weights = [6 if r[2] == SupportTier.INTENSIVE else 3 if r[2] == SupportTier.SPECIALIST else 1 for r in open_rows]
    picks = rng.choices(open_rows, weights=weights, k=ctx.scale.visits)
    visits: list[Visit] = []
    for school_id, _urn, tier, *_ in picks:
        day = ctx.date_between(today - timedelta(days=730), today - timedelta(days=1))
        kind = rng.choices([VisitKind.VISIT, VisitKind.CALL, VisitKind.EMAIL], weights=[6, 3, 2])[0]
        visits.append(
            Visit(
                school_id=school_id, kind=kind, visited_on=day, adviser=adviser, offer_level=tier,
                purpose=rng.choice(VisitPurpose.values), notes=rng.choice(VISIT_NOTES),
                follow_up_on=day + timedelta(days=rng.choice([14, 28, 42, 60])) if rng.random() < 0.4 else None,
            )
        )  # fmt: skip
    _insert(Visit, visits)
    made = list(Visit.objects.order_by("id").values_list("id", "school_id", "visited_on"))
    actions: list[VisitAction] = []
    for visit_id, school_id, day in made:
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            due = day + timedelta(days=rng.randint(7, 60))
            done = due < today and rng.random() < 0.8
            actions.append(
                VisitAction(
                    visit_id=visit_id, school_id=school_id, description=rng.choice(ACTION_TEXTS), owner=adviser,
                    due_on=due, done_on=min(due, today) if done else None, done_by=adviser if done else None,
                )
            )  # fmt: skip
    _insert(VisitAction, actions)
    school_last_visits_rebuild()  # the visits went in in bulk, past the services that keep the column
    ctx.say(f"  {len(visits)} visits, calls and e-mails with {len(actions)} actions")


def _seed_meetings(ctx: DemoContext) -> None:
    """DSL network meetings each half term and three safeguarding conferences a year, over two years."""
    rng = ctx.rng
    dsl_ids = list(
        Contact.objects.filter(role=ContactRole.DSL, is_current=True).order_by("id").values_list("id", flat=True)
    )
    meetings: list[NetworkMeeting] = []
    start = ctx.today - timedelta(days=730)
    for n in range(12):
        held = start + timedelta(days=60 * n + rng.randint(0, 10))
        meetings.append(
            NetworkMeeting(
                kind=MeetingKind.NETWORK, title=f"DSL network meeting, {rng.choice(WARDS)} cluster", held_on=held,
                venue=f"{rng.choice(PLACES)} Library, community room",
            )
        )  # fmt: skip
    for n in range(6):
        held = start + timedelta(days=120 * n + rng.randint(0, 20))
        meetings.append(
            NetworkMeeting(
                kind=MeetingKind.CONFERENCE, title=f"Safeguarding conference: {rng.choice(['online safety', 'the Prevent duty', 'extremism and young people', 'community tension'])}",
                held_on=held, venue="Council House",
            )
        )  # fmt: skip
    NetworkMeeting.objects.bulk_create(meetings)
    through = NetworkMeeting.attendees.through
    links = []
    for meeting in NetworkMeeting.objects.order_by("id"):
        size = min(len(dsl_ids), 40 if meeting.kind == MeetingKind.NETWORK else 150)
        for contact_id in rng.sample(dsl_ids, size):
            links.append(through(networkmeeting_id=meeting.pk, contact_id=contact_id))
    through.objects.bulk_create(links, batch_size=5000)


AFTER_ACCOUNTS_DONE = "schools_after_accounts_done"


def after_accounts(ctx: DemoContext) -> None:
    """Runs once the demo users exist (accounts/demo.py): links each demo DSL to the DSL contact of their school,
    and makes the demo adviser the adviser of the last six months' visits and owner of their actions."""
    if ctx.made.get(AFTER_ACCOUNTS_DONE):
        return
    ctx.made[AFTER_ACCOUNTS_DONE] = True
    users = ctx.made.get("demo_users") or {}

    for user in users.values():
        membership = Membership.objects.filter(user=user, role=Role.DSL).first()
        if membership is None or membership.school_id is None:
            continue
        contact = (
            Contact.objects.filter(school_id=membership.school_id, role=ContactRole.DSL, is_current=True)
            .order_by("id")
            .first()
        )
        if contact is None:
            Contact.objects.create(
                school_id=membership.school_id, full_name=user.full_name, role=ContactRole.DSL, email=user.email,
                user=user, is_prevent_spoc=True,
            )  # fmt: skip
        else:
            Contact.objects.filter(pk=contact.pk).update(full_name=user.full_name, email=user.email, user=user)
    adviser = users.get("adviser@northbrook.example")
    if adviser is not None:
        since = ctx.today - timedelta(days=180)
        Visit.objects.filter(visited_on__gte=since).update(adviser=adviser)
        VisitAction.objects.filter(visit__visited_on__gte=since).update(owner=adviser)
        VisitAction.objects.filter(visit__visited_on__gte=since, done_on__isnull=False).update(done_by=adviser)
        NetworkMeeting.objects.filter(held_on__gte=since).update(organiser=adviser)
    ctx.say("  schools: demo DSLs linked to their schools' contacts; recent visits given to the demo adviser")
