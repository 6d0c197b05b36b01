"""Demo training for seed_demo: courses, sessions over six academic years, attendance by schools and other bodies,
named DSLs and accredited trainers, feedback and quality observations. Bulk inserts in batches, so the national
scale (500,000 attendances) stays fast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from core.demo import PLACES, DemoContext
from schools.models import Contact, ContactRole, Institution, InstitutionKind, School

from .figures import figures_changes_clear
from .models import Attendance, Attendee, AttendeeRole, Course, Delivery, Sector, Session, SessionSource
from .services import courses_ensure

BATCH = 5000
FIRST_DAY = date(2020, 9, 1)

# course code: (share of attendances, schools per session (low, high), share of schools ever reached)
SCHOOL_COURSES: dict[str, tuple[float, tuple[int, int], float]] = {
    "WRAP": (0.34, (1, 30), 0.74),
    "PVE": (0.14, (8, 30), 0.40),
    "ELEARN-AWARENESS": (0.10, (10, 40), 0.60),
    "ELEARN-REFERRALS": (0.06, (10, 40), 0.45),
    "ELEARN-CHANNEL": (0.03, (5, 25), 0.25),
    "ELEARN-AWARENESS-REFRESH": (0.05, (10, 40), 0.40),
    "ELEARN-REFERRALS-REFRESH": (0.02, (5, 25), 0.25),
    "ELEARN-CHANNEL-REFRESH": (0.01, (5, 20), 0.15),
    "TTT": (0.02, (6, 16), 0.12),
    "BESPOKE-BRIEFING": (0.04, (1, 1), 0.20),
    "PUPIL-WORKSHOP": (0.05, (1, 2), 0.15),
    "PARENTING": (0.03, (1, 3), 0.10),
}
# Courses for other bodies: (share of attendances, bodies per session)
INSTITUTION_COURSES: dict[str, tuple[float, tuple[int, int]]] = {
    "CHANNEL-AWARENESS": (0.04, (4, 15)),
    "WRAP": (0.04, (3, 12)),
    "COMMUNITY-WORKSHOP": (0.03, (1, 4)),
}
SECTOR_FOR_KIND = {
    InstitutionKind.EARLY_YEARS: Sector.EARLY_YEARS,
    InstitutionKind.FE_HE: Sector.FE_HE,
    InstitutionKind.COUNCIL: Sector.COUNCIL,
    InstitutionKind.HEALTH: Sector.HEALTH,
    InstitutionKind.SOCIAL_CARE: Sector.SOCIAL_CARE,
    InstitutionKind.VOLUNTARY: Sector.VOLUNTARY,
    InstitutionKind.FAITH: Sector.FAITH,
    InstitutionKind.OTHER: Sector.VOLUNTARY,
}
OBSERVATIONS = (
    "Observed the full session. Clear on the referral pathway; good use of local case studies.",
    "Engaging delivery. The section on online radicalisation ran short; suggested more time next term.",
    "Good discussion of proportionate responses. Trainer checked understanding throughout.",
    "Room too small for the numbers; content sound. Venue changed for the next session.",
    "Strong session. Attendees asked for the slides and the local contact list, since sent.",
)
NAMED_CODES = {code for code in SCHOOL_COURSES if code in ("PVE", "TTT", "WRAP") or code.startswith("ELEARN")}
OTHER_TRAINERS = ("Police Prevent team", "Home Office e-learning", "Regional Prevent education coordinator")


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    courses_ensure()
    courses = {c.code: c for c in Course.objects.all()}
    end = ctx.today - timedelta(days=1)
    span = (end - FIRST_DAY).days

    schools = list(School.objects.order_by("urn").values_list("id", "open_date", "close_date"))
    institutions = list(Institution.objects.order_by("id").values_list("id", "kind"))
    users = ctx.made.get("demo_users") or {}
    trainers = [u for e, u in users.items() if e.startswith(("coordinator@", "adviser@"))]
    dsl_contacts: dict[int, list[tuple[int, str, str, str]]] = {}
    for pk, contact_school_id, name, email, role in (
        Contact.objects.filter(role__in=[ContactRole.DSL, ContactRole.DEPUTY_DSL], is_current=True)
        .order_by("id")
        .values_list("id", "school_id", "full_name", "email", "role")
    ):
        dsl_contacts.setdefault(contact_school_id, []).append((pk, name, email, role))
    if not schools:
        return

    # Which schools each course ever reaches, so that uptake reads like a real council's, not 100%.
    # Engagement is a property of the school: the keen ones go on most courses, a fifth go on none.
    engagement = {s[0]: rng.random() for s in schools}
    pools: dict[str, list[tuple[int, date | None, date | None]]] = {}
    for code, (_, _, reach) in SCHOOL_COURSES.items():
        pools[code] = [s for s in schools if engagement[s[0]] < reach * 1.05 and rng.random() < 0.97] or schools[:1]
    target = ctx.scale.training_attendances

    sessions: list[Session] = []
    plans: list[tuple[int, list[int], bool]] = []  # per session: kind of rows, ids, for schools?
    planned = 0
    school_codes = list(SCHOOL_COURSES)
    school_weights = [SCHOOL_COURSES[c][0] for c in school_codes]
    inst_codes = list(INSTITUTION_COURSES)
    inst_weights = [INSTITUTION_COURSES[c][0] for c in inst_codes]
    inst_share = sum(inst_weights) if institutions else 0.0
    while planned < target:
        held_on = FIRST_DAY + timedelta(days=rng.randint(0, span))
        if held_on.weekday() >= 5:
            held_on -= timedelta(days=held_on.weekday() - 4)
        if rng.random() < inst_share:
            code = rng.choices(inst_codes, weights=inst_weights)[0]
            low, high = INSTITUTION_COURSES[code][1]
            picked = rng.sample(institutions, min(len(institutions), rng.randint(low, high)))
            sector = (
                SECTOR_FOR_KIND.get(InstitutionKind(picked[0][1]), Sector.VOLUNTARY)
                if code != "COMMUNITY-WORKSHOP"
                else (Sector.FAITH if rng.random() < 0.4 else Sector.VOLUNTARY)
            )
            ids, for_schools = [i for i, _ in picked], False
        else:
            code = rng.choices(school_codes, weights=school_weights)[0]
            low, high = SCHOOL_COURSES[code][1]
            pool = pools[code]
            candidates = rng.sample(pool, min(len(pool), rng.randint(low, high) * 2))
            ids = [
                sid
                for sid, opened, closed in candidates
                if (opened is None or opened <= held_on) and (closed is None or closed > held_on)
            ][: max(low, len(candidates) // 2)]
            if not ids:
                continue
            sector = {"PUPIL-WORKSHOP": Sector.PUPILS, "PARENTING": Sector.PARENTS}.get(code, Sector.SCHOOLS)
            for_schools = True
        course = courses[code]
        online = course.is_elearning or rng.random() < 0.15
        staff_guess = len(ids) * (3 if course.audience != "pupils" else 1)
        responses = int(staff_guess * rng.uniform(0.5, 0.9)) if not course.is_elearning and rng.random() < 0.8 else 0
        observed = responses and rng.random() < 0.15
        trainer = rng.choice(trainers) if trainers and not course.is_elearning and rng.random() < 0.7 else None
        sessions.append(
            Session(
                course=course,
                held_on=held_on,
                trainer=trainer,
                trainer_name=""
                if trainer
                else rng.choice(OTHER_TRAINERS)
                if not course.is_elearning
                else "Home Office e-learning",
                delivery=Delivery.ONLINE if online else Delivery.VENUE,
                venue=""
                if online
                else f"{rng.choice(PLACES)} {rng.choice(['Library', 'Community Centre', 'Council House'])}",
                sector=sector,
                capacity=None if online else max(len(ids) * 4, 20),
                source=SessionSource.ENTERED,
                responses=responses,
                better_understanding=int(responses * rng.uniform(0.88, 1.0)),
                rating=round(rng.uniform(3.6, 5.0), 1) if responses else None,
                quality_observation=rng.choice(OBSERVATIONS) if observed else "",
                observed_on=held_on if observed else None,
                observed_by=trainers[0] if observed and trainers else None,
            )
        )
        plans.append((len(sessions) - 1, ids, for_schools))
        planned += len(ids)

    _first_schools_story(ctx, sessions, plans, courses, schools)
    # Rows go in as plain tuples with ids given here: building 500,000 model instances and letting the ORM
    # prepare each value took minutes; this takes seconds. Sequences are reset afterwards.
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    next_session = (Session.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    session_fields = [
        "id", "created_at", "updated_at", "course", "held_on", "trainer", "trainer_contact", "trainer_name",
        "delivery", "venue", "sector", "capacity", "source", "responses", "better_understanding", "rating",
        "quality_observation", "observed_on", "observed_by", "version",
    ]  # fmt: skip
    session_rows = []
    for session in sessions:
        session.pk = next_session
        next_session += 1
        session_rows.append(
            (
                session.pk, now, now, session.course_id, ops.adapt_datefield_value(session.held_on),
                session.trainer_id, None, session.trainer_name, str(session.delivery), session.venue,
                str(session.sector), session.capacity, str(session.source), session.responses,
                session.better_understanding,
                ops.adapt_decimalfield_value(Decimal(str(session.rating)), 3, 2) if session.rating else None,
                session.quality_observation, ops.adapt_datefield_value(session.observed_on), session.observed_by_id,
                1,
            )
        )  # fmt: skip
    _insert(Session, session_fields, session_rows)

    next_id = (Attendance.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    attendance_rows: list[tuple[Any, ...]] = []
    attendee_rows: list[tuple[Any, ...]] = []
    for index, ids, for_schools in plans:
        session = sessions[index]
        code = session.course.code
        for target_id in ids:
            staff = pupils = parents = 0
            school_id: int | None = None
            institution_id: int | None = None
            if for_schools:
                school_id = target_id
                if code == "PUPIL-WORKSHOP":
                    staff, pupils = rng.randint(1, 3), rng.randint(25, 150)
                elif code == "PARENTING":
                    staff, parents = rng.randint(0, 2), rng.randint(4, 15)
                elif code == "WRAP" and len(ids) == 1:
                    staff = rng.randint(15, 70)  # whole-staff WRAP at the school
                elif code in ("PVE", "TTT"):
                    staff = rng.randint(1, 2)
                else:
                    staff = rng.randint(1, 6)
                people = dsl_contacts.get(target_id, [])
                # DSLs are named where it matters for their two-yearly refresher: always at PVE and TTT, mostly
                # for e-learning, often at WRAP.
                name_chance = 1.0 if code in ("PVE", "TTT") else 0.8 if code.startswith("ELEARN") else 0.5
                if people and code in NAMED_CODES and rng.random() < name_chance:
                    contact_id, name, email, contact_role = rng.choice(people)
                    role = (
                        AttendeeRole.ACCREDITED_TRAINER
                        if code == "TTT"
                        else AttendeeRole.DSL
                        if contact_role == ContactRole.DSL
                        else AttendeeRole.DEPUTY_DSL
                    )
                    attendee_rows.append((now, now, next_id, name, email, str(role), contact_id))
            else:
                institution_id = target_id
                if code == "COMMUNITY-WORKSHOP":
                    staff, parents = rng.randint(0, 2), rng.randint(5, 30)
                else:
                    staff = rng.randint(2, 20)
            attendance_rows.append(
                (next_id, now, now, session.pk, school_id, institution_id, staff, pupils, parents, 1)
            )
            next_id += 1
    _insert(
        Attendance,
        ["id", "created_at", "updated_at", "session", "school", "institution", "staff", "pupils", "parents", "version"],
        attendance_rows,
    )
    _insert(
        Attendee, ["created_at", "updated_at", "attendance", "full_name", "email", "role", "contact"], attendee_rows
    )
    with connection.cursor() as cursor:
        for sql in ops.sequence_reset_sql(no_style(), [Session, Attendance, Attendee]):
            cursor.execute(sql)
    ctx.made["training_session_ids"] = [s.pk for s in sessions[:50]]
    ctx.say(f"  {len(sessions)} sessions, {len(attendance_rows)} attendances, {len(attendee_rows)} named attendees")


def _insert(model: Any, fields: list[str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT rows (tuples in `fields` order, values already in the database's form) in batches."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - names from the model, values bound
    with connection.cursor() as cursor:
        for i in range(0, len(rows), BATCH * 4):
            cursor.executemany(sql, rows[i : i + BATCH * 4])


def _first_schools_story(
    ctx: DemoContext,
    sessions: list[Session],
    plans: list[tuple[int, list[int], bool]],
    courses: dict[str, Course],
    schools: list[tuple[int, Any, Any]],
) -> None:
    """The demo DSLs' schools: the first had WRAP and PVE more than two years ago (its DSL is due a refresher);
    the second had PVE this year (up to date)."""
    first, second = schools[0][0], schools[1][0] if len(schools) > 1 else schools[0][0]
    story = [
        ("WRAP", ctx.today - timedelta(days=1000), [first, second]),
        ("PVE", ctx.today - timedelta(days=800), [first]),
        ("PVE", ctx.today - timedelta(days=120), [second]),
        ("ELEARN-AWARENESS", ctx.today - timedelta(days=60), [first, second]),
    ]
    for code, held_on, ids in story:
        sessions.append(
            Session(
                course=courses[code],
                held_on=held_on,
                venue="Council House, Committee Room 2",
                sector=Sector.SCHOOLS,
                responses=12,
                better_understanding=12,
                rating=4.6,
            )
        )
        plans.append((len(sessions) - 1, ids, True))


def finish(ctx: DemoContext) -> None:
    """The seed's writes logged a change each (per row on SQLite, hundreds of thousands at city scale): the log
    starts again, as after a night (training.figures)."""
    removed = figures_changes_clear()
    ctx.say(f"  {removed} logged changes to the training figures' tables cleared")
