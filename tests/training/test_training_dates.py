"""The stored training dates (each school's first WRAP / PVE / Prevent training, each contact's Prevent training
dates) and session totals (each session's attendance rows and people) stay equal to what the attendances say after
every kind of write: the services, bulk loads, QuerySet updates, cascades and a contact's deletion, on SQLite and
PostgreSQL (database triggers keep them)."""

from __future__ import annotations

import importlib
import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from schools.models import Contact, ContactRole, School
from tests.schools.factories import InstitutionFactory, SchoolFactory
from tests.training.factories import course
from training import catalogue
from training.attendance_lines import AttendanceLine
from training.elearning import elearning_record
from training.models import (
    Attendance,
    Attendee,
    ContactPreventTraining,
    Course,
    SchoolFirstTraining,
    Session,
    SessionTotals,
)
from training.selectors import overdue_dsl_contacts, refreshers_for_page, two_years_before
from training.services import (
    attendance_counts_update,
    attendance_remove,
    attendee_add,
    attendee_remove,
    course_update,
    session_create,
    session_delete,
    session_update,
)
from training.training_dates import (
    Differences,
    contact_lasts_from,
    contact_trainings_from_attendees,
    school_firsts_from_attendances,
    session_totals_from_attendances,
    stored_contact_lasts,
    stored_contact_trainings,
    stored_school_firsts,
    stored_session_totals,
    training_dates_rebuild,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

CODES = ["WRAP", "PVE", "TTT", "BESPOKE-BRIEFING", "PUPIL-WORKSHOP", "ELEARN-AWARENESS"]


def _assert_stored_equal_computed() -> None:
    assert stored_school_firsts() == school_firsts_from_attendances()
    assert stored_contact_trainings() == contact_trainings_from_attendees()
    assert stored_contact_lasts() == contact_lasts_from(contact_trainings_from_attendees())
    assert stored_session_totals() == session_totals_from_attendances()


def _line(school: School, staff: int = 3) -> AttendanceLine:
    return AttendanceLine(line=1, urn=school.urn, school_id=school.pk, school_name=school.name, staff=staff)


def test_the_triggers_know_the_catalogues_wrap_and_pve_codes() -> None:
    migration = importlib.import_module("training.migrations.0004_training_dates")
    in_sql = {name: "(" + ", ".join(f"'{code}'" for code in codes) + ")" for name, codes in
              [("wrap", catalogue.WRAP_CODES), ("pve", catalogue.PVE_CODES)]}  # fmt: skip
    assert (in_sql["wrap"], in_sql["pve"]) == (migration.WRAP_CODES, migration.PVE_CODES)


def test_first_dates_follow_every_kind_of_write(coordinator: User) -> None:
    schools = SchoolFactory.create_batch(4)
    a, b, c, d = schools
    _assert_stored_equal_computed()

    wrap = session_create(
        actor=coordinator, fields={"course": course("WRAP"), "held_on": date(2025, 5, 1)}, attendance=[_line(a)]
    )
    assert SchoolFirstTraining.objects.get(school=a).first_wrap == date(2025, 5, 1)
    earlier = Session.objects.create(course=course("WRAP"), held_on=date(2024, 1, 9))
    Attendance.objects.bulk_create([Attendance(session=earlier, school=a), Attendance(session=earlier, school=b)])
    assert SchoolFirstTraining.objects.get(school=a).first_wrap == date(2024, 1, 9)
    workshop = Session.objects.create(course=course("PUPIL-WORKSHOP"), held_on=date(2023, 1, 1))
    Attendance.objects.create(session=workshop, school=c, pupils=90)
    assert SchoolFirstTraining.objects.get(school=c).first_any is None  # commissioned delivery is not training
    _assert_stored_equal_computed()

    # A session's date moved later (a service) and earlier (a bare UPDATE): the first date follows both ways.
    session_update(actor=coordinator, session=earlier, version=earlier.version, fields={"held_on": date(2026, 2, 2)})
    assert SchoolFirstTraining.objects.get(school=a).first_wrap == date(2025, 5, 1)
    Session.objects.filter(pk=wrap.pk).update(held_on=date(2023, 3, 3))
    assert SchoolFirstTraining.objects.get(school=a).first_wrap == date(2023, 3, 3)
    # The course of a session changed; a course's kind changed.
    session_update(
        actor=coordinator,
        session=wrap,
        version=Session.objects.get(pk=wrap.pk).version,
        fields={"course": course("PVE")},
    )
    assert SchoolFirstTraining.objects.get(school=a).first_pve == date(2023, 3, 3)
    pupils = course("PUPIL-WORKSHOP")
    course_update(actor=coordinator, course=pupils, version=pupils.version, fields={"is_commissioned": False})
    assert SchoolFirstTraining.objects.get(school=c).first_any == date(2023, 1, 1)
    _assert_stored_equal_computed()

    # An attendance moved to another school; removed; a whole session deleted.
    Attendance.objects.filter(session=earlier, school=b).update(school=d)
    assert not SchoolFirstTraining.objects.filter(school=b).exists()
    attendance_remove(actor=coordinator, attendance=Attendance.objects.get(session=earlier, school=d))
    session_delete(actor=coordinator, session=Session.objects.get(pk=wrap.pk))
    assert SchoolFirstTraining.objects.get(school=a).first_wrap == date(2026, 2, 2)
    _assert_stored_equal_computed()
    course_update(actor=coordinator, course=pupils, version=Course.objects.get(pk=pupils.pk).version,
                  fields={"is_commissioned": True})  # fmt: skip
    _assert_stored_equal_computed()


def test_contact_dates_follow_attendees_sessions_courses_and_contacts(coordinator: User) -> None:
    school = SchoolFactory()
    lead = Contact.objects.create(school=school, full_name="Lead One", role=ContactRole.DSL)
    deputy = Contact.objects.create(school=school, full_name="Deputy Two", role=ContactRole.DEPUTY_DSL)
    session = session_create(
        actor=coordinator, fields={"course": course("PVE"), "held_on": date(2025, 3, 1)}, attendance=[_line(school)]
    )
    attendance = session.attendances.get()
    first = attendee_add(actor=coordinator, attendance=attendance, full_name="Lead One", email="", role="dsl")
    assert ContactPreventTraining.objects.get(attendee=first).contact == lead  # matched to the contact by name
    Attendee.objects.bulk_create([Attendee(attendance=attendance, full_name="Deputy Two", contact=deputy)])
    _assert_stored_equal_computed()

    Session.objects.filter(pk=session.pk).update(held_on=date(2025, 9, 9))
    assert set(ContactPreventTraining.objects.values_list("held_on", flat=True)) == {date(2025, 9, 9)}
    briefing = course("BESPOKE-BRIEFING")
    session_update(
        actor=coordinator,
        session=session,
        version=Session.objects.get(pk=session.pk).version,
        fields={"course": briefing},
    )
    assert not ContactPreventTraining.objects.exists()  # a bespoke briefing is not Prevent training for a DSL
    course_update(
        actor=coordinator,
        course=briefing,
        version=briefing.version,
        fields={"counts_as_prevent_training_for_dsl": True},
    )
    assert ContactPreventTraining.objects.count() == 2
    _assert_stored_equal_computed()

    Attendee.objects.filter(pk=first.pk).update(contact=deputy)
    deputy.delete()  # the attendees' contact is set to none: neither counts for anyone now
    assert not ContactPreventTraining.objects.exists()
    _assert_stored_equal_computed()
    Attendee.objects.filter(pk=first.pk).update(contact=lead)
    assert ContactPreventTraining.objects.get().contact == lead
    attendee_remove(actor=coordinator, attendee=Attendee.objects.get(pk=first.pk))
    assert not ContactPreventTraining.objects.exists()
    _assert_stored_equal_computed()


def test_a_random_history_of_writes_keeps_both_stores_exact(coordinator: User) -> None:
    """Two hundred writes of every kind, in an order fixed by the seed, checked against the attendances after
    each."""
    rng = random.Random(20261123)
    schools = SchoolFactory.create_batch(6)
    contacts = [
        Contact.objects.create(school=s, full_name=f"Lead {i}", role=ContactRole.DSL) for i, s in enumerate(schools)
    ]
    courses = [course(code) for code in CODES]
    day0 = date(2022, 1, 1)
    for step in range(200):
        sessions = list(Session.objects.all())
        attendances = list(Attendance.objects.all())
        attendees = list(Attendee.objects.all())
        kind = rng.choice(["session", "attend", "attend", "name", "move", "redate", "recourse", "remove", "delete",
                           "unname", "flag"])  # fmt: skip
        if kind == "session" or not sessions:
            Session.objects.create(course=rng.choice(courses), held_on=day0 + timedelta(days=rng.randrange(1500)))
        elif kind == "attend":
            session = rng.choice(sessions)
            free = [s for s in schools if not Attendance.objects.filter(session=session, school=s).exists()]
            Attendance.objects.bulk_create(
                Attendance(session=session, school=s) for s in rng.sample(free, len(free) // 2)
            )
        elif kind == "name" and attendances:
            attendance = rng.choice(attendances)
            if attendance.school_id:
                contact = next(c for c in contacts if c.school_id == attendance.school_id)
                Attendee.objects.create(attendance=attendance, full_name=contact.full_name, contact=contact)
        elif kind == "move" and attendances:
            attendance = rng.choice(attendances)
            target = rng.choice(sessions)
            if not Attendance.objects.filter(session=target, school_id=attendance.school_id).exists():
                Attendance.objects.filter(pk=attendance.pk).update(session=target)
        elif kind == "redate":
            Session.objects.filter(pk=rng.choice(sessions).pk).update(
                held_on=day0 + timedelta(days=rng.randrange(1500))
            )
        elif kind == "recourse":
            Session.objects.filter(pk=rng.choice(sessions).pk).update(course=rng.choice(courses))
        elif kind == "remove" and attendances:
            rng.choice(attendances).delete()
        elif kind == "delete" and rng.random() < 0.3:
            rng.choice(sessions).delete()
        elif kind == "unname" and attendees:
            Attendee.objects.filter(pk=rng.choice(attendees).pk).update(contact=None)
        elif kind == "flag":
            changed = rng.choice(courses[2:])
            Course.objects.filter(pk=changed.pk).update(
                is_commissioned=rng.random() < 0.5, counts_as_prevent_training_for_dsl=rng.random() < 0.5
            )
        assert stored_school_firsts() == school_firsts_from_attendances(), f"step {step}: {kind}"
        assert stored_contact_trainings() == contact_trainings_from_attendees(), f"step {step}: {kind}"
        assert stored_contact_lasts() == contact_lasts_from(contact_trainings_from_attendees()), f"step {step}"
        assert stored_session_totals() == session_totals_from_attendances(), f"step {step}: {kind}"
    assert SchoolFirstTraining.objects.exists() and ContactPreventTraining.objects.exists()


def _totals(session: Session) -> tuple[int, int] | None:
    return stored_session_totals().get(session.pk)


def test_session_totals_follow_every_kind_of_write(coordinator: User) -> None:
    a, b, c, d = SchoolFactory.create_batch(4)
    body = InstitutionFactory()
    session = session_create(
        actor=coordinator,
        fields={"course": course("WRAP"), "held_on": date(2025, 5, 1)},
        attendance=[_line(a, staff=3), _line(b, staff=5)],
    )
    assert _totals(session) == (2, 8)
    # More schools and other numbers through the service; a school's numbers through the attendance page's.
    session_update(
        actor=coordinator,
        session=session,
        version=session.version,
        fields={},
        attendance=[_line(a, staff=4), AttendanceLine(line=2, urn=c.urn, school_id=c.pk, school_name=c.name,
                                                      staff=1, pupils=30, parents=2)],
    )  # fmt: skip
    assert _totals(session) == (3, 4 + 5 + 33)
    row = Attendance.objects.get(session=session, school=b)
    attendance_counts_update(actor=coordinator, attendance=row, version=row.version, staff=0, pupils=7, parents=1)
    assert _totals(session) == (3, 4 + 8 + 33)
    # Bulk loads, an other body, bare updates (one changing nothing counted) and a move between sessions.
    other = Session.objects.create(course=course("PVE"), held_on=date(2024, 1, 9))
    assert _totals(other) == (0, 0)
    Attendance.objects.bulk_create(
        [Attendance(session=other, school=d, staff=2), Attendance(session=other, institution=body, parents=9)]
    )
    assert _totals(other) == (2, 11)
    Attendance.objects.filter(session=session).update(staff=F("staff") + 1)
    Attendance.objects.update(updated_at=timezone.now())
    assert _totals(session) == (3, 4 + 8 + 33 + 3)
    Attendance.objects.filter(session=session, school=a).update(session=other)
    assert (_totals(session), _totals(other)) == ((2, 9 + 34), (3, 11 + 5))
    _assert_stored_equal_computed()
    # E-learning adds to a school's row of the day's online session.
    elearning = course("ELEARN-AWARENESS")
    for _ in range(2):
        online = elearning_record(
            actor=coordinator, school=a, course=elearning, completed_on=date(2025, 6, 1), other_staff=4
        )
    assert _totals(online.session) == (1, 8)
    _assert_stored_equal_computed()
    # Removed one by one, back to zeros; whole sessions deleted (a cascade), their rows with them.
    for row in Attendance.objects.filter(session=session):
        attendance_remove(actor=coordinator, attendance=row)
    assert _totals(session) == (0, 0)
    session_delete(actor=coordinator, session=Session.objects.get(pk=session.pk))
    session_delete(actor=coordinator, session=other)
    assert not SessionTotals.objects.filter(session_id__in=[session.pk, other.pk]).exists()
    _assert_stored_equal_computed()
    # Sessions loaded in bulk start at zero.
    loaded = Session.objects.bulk_create(Session(course=course("WRAP"), held_on=date(2023, 3, i)) for i in (1, 2))
    assert [_totals(s) for s in loaded] == [(0, 0), (0, 0)]
    Session.objects.filter(pk__in=[s.pk for s in loaded]).delete()
    _assert_stored_equal_computed()


def test_a_random_history_of_counts_keeps_the_session_totals_exact() -> None:
    """A hundred and fifty writes of attendances, in an order fixed by the seed, checked after each."""
    rng = random.Random(20261130)
    schools = SchoolFactory.create_batch(8)
    sessions = [Session.objects.create(course=course("WRAP"), held_on=date(2025, 1, 1 + i)) for i in range(5)]
    for step in range(150):
        attendances = list(Attendance.objects.all())
        kind = rng.choice(["add", "add", "counts", "bulk_counts", "move", "remove", "bulk_remove", "session"])
        if kind == "add" or not attendances:
            session = rng.choice(sessions)
            free = [s for s in schools if not Attendance.objects.filter(session=session, school=s).exists()]
            Attendance.objects.bulk_create(
                Attendance(session=session, school=s, staff=rng.randrange(5), pupils=rng.randrange(40))
                for s in rng.sample(free, len(free) // 2)
            )
        elif kind == "counts":
            Attendance.objects.filter(pk=rng.choice(attendances).pk).update(
                staff=rng.randrange(6), parents=rng.randrange(3)
            )
        elif kind == "bulk_counts":
            changed = rng.sample(attendances, min(3, len(attendances)))
            for row in changed:
                row.staff, row.pupils = rng.randrange(9), rng.randrange(9)
            Attendance.objects.bulk_update(changed, ["staff", "pupils"])
        elif kind == "move":
            row, target = rng.choice(attendances), rng.choice(sessions)
            if not Attendance.objects.filter(session=target, school_id=row.school_id).exists():
                Attendance.objects.filter(pk=row.pk).update(session=target)
        elif kind == "remove":
            rng.choice(attendances).delete()
        elif kind == "bulk_remove":
            Attendance.objects.filter(session=rng.choice(sessions), staff__lt=2).delete()
        elif kind == "session" and rng.random() < 0.3:
            gone = sessions.pop(rng.randrange(len(sessions)))
            gone.delete()
            sessions.append(Session.objects.create(course=course("PVE"), held_on=date(2025, 2, 1 + step % 28)))
        assert stored_session_totals() == session_totals_from_attendances(), f"step {step}: {kind}"
    assert SessionTotals.objects.exists()


def _overdue_by_hand(on: date) -> set[int]:
    """Current DSLs and deputies of schools open on `on` with no Prevent training in the two years up to it."""
    since = two_years_before(on)
    open_ids = set(School.objects.open_on(on).values_list("pk", flat=True))
    recent = {
        contact_id for contact_id, held_on in contact_trainings_from_attendees().values() if since <= held_on <= on
    }
    return {
        c.pk
        for c in Contact.objects.filter(role__in=[ContactRole.DSL, ContactRole.DEPUTY_DSL], is_current=True)
        if c.school_id in open_ids and c.pk not in recent
    }


def test_who_is_due_a_refresher_is_the_same_on_any_date_whichever_store_answers() -> None:
    """On a date after every Prevent training the last dates answer; on an earlier one the dated rows do."""
    rng = random.Random(7)
    schools = SchoolFactory.create_batch(5)
    contacts = [
        Contact.objects.create(school=s, full_name=f"Lead {i}{j}", role=rng.choice([ContactRole.DSL,
                               ContactRole.DEPUTY_DSL]), is_current=rng.random() < 0.9)
        for i, s in enumerate(schools) for j in range(3)
    ]  # fmt: skip
    for n in range(25):
        session = Session.objects.create(
            course=course(rng.choice(CODES)), held_on=date(2021, 1, 1) + timedelta(days=rng.randrange(2000))
        )
        for contact in rng.sample(contacts, 3):
            attendance, _ = Attendance.objects.get_or_create(session=session, school_id=contact.school_id)
            Attendee.objects.create(attendance=attendance, full_name=f"Person {n}", contact=contact)
    latest = ContactPreventTraining.objects.latest("held_on").held_on
    for on in [date(2022, 6, 1), date(2023, 12, 31), date(2024, 7, 15), latest, latest + timedelta(days=800)]:
        expected = _overdue_by_hand(on)
        assert set(overdue_dsl_contacts(on=on).values_list("pk", flat=True)) == expected, on
        # The refresher list's last date: each contact's last Prevent training on or before `on`.
        trainings = contact_trainings_from_attendees().values()
        lasts = {pk: max((d for c, d in trainings if c == pk and d <= on), default=None) for pk in expected}
        listed = refreshers_for_page(params={}, on=on).qs.values_list("pk", "last_prevent_training")
        assert dict(listed) == lasts, on
    assert 0 < len(_overdue_by_hand(latest)) < len(contacts)


def test_rebuild_puts_back_what_a_load_past_the_triggers_left_out() -> None:
    school = SchoolFactory()
    lead = Contact.objects.create(school=school, full_name="Lead", role=ContactRole.DSL)
    session = Session.objects.create(course=course("WRAP"), held_on=date(2025, 1, 1))
    attendee = Attendee.objects.create(
        attendance=Attendance.objects.create(session=session, school=school), full_name="Lead", contact=lead
    )
    SchoolFirstTraining.objects.all().delete()
    ContactPreventTraining.objects.filter(attendee=attendee).update(held_on=date(2020, 1, 1))
    SessionTotals.objects.filter(session=session).update(people=99)
    out = io.StringIO()
    call_command("rebuild_training_dates", stdout=out)
    assert "1 schools, 1 attendees and 1 contacts differed; the totals of 1 sessions differed" in out.getvalue()
    _assert_stored_equal_computed()
    assert training_dates_rebuild() == Differences(schools=0, attendees=0, contacts=0, sessions=0)
