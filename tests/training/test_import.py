from __future__ import annotations

import io
import random
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from schools.models import Contact, ContactRole, School
from training import selectors
from training.attendance_lines import AttendanceLine
from training.import_writer import attendance_import_apply
from training.importer import parse
from training.models import Attendance, Attendee, Session
from training.services import session_create

pytestmark = pytest.mark.django_db

HEADER = "urn,course_code,session_date,attendees"
CODES = ["WRAP", "PVE", "ELEARN-AWARENESS", "TTT", "PUPIL-WORKSHOP", "PARENTING", "BESPOKE-BRIEFING"]


def _schools(n: int, start: int = 400000) -> list[School]:
    return School.objects.bulk_create(
        School(urn=start + i, la_code="888", name=f"Fairley School {start + i}", open_date=date(2000, 9, 1))
        for i in range(n)
    )


def _csv(rows: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _measures(on: date) -> dict[str, Any]:
    start = date(2014, 9, 1)
    return {
        "uptake": selectors.uptake_as_at(on=on),
        "by_phase": selectors.uptake_by_phase(on=on),
        "reach": selectors.reach_in_period(start=start, end=on),
        "delivery": selectors.commissioned_delivery_in_period(start=start, end=on),
    }


def _random_rows(schools: list[School], n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        day = date(2015, 9, 1) + timedelta(days=rng.randint(0, 60))
        fmt = "%Y-%m-%d" if rng.random() < 0.5 else "%d/%m/%Y"
        rows.append(f"{rng.choice(schools).urn},{rng.choice(CODES)},{day.strftime(fmt)},{rng.randint(0, 30)}")
    return rows


def test_twenty_thousand_rows_import_in_under_thirty_seconds_and_twice_counts_once(tmp_path: Path) -> None:
    schools = _schools(2000)
    path = tmp_path / "attendance.csv"
    path.write_bytes(_csv(_random_rows(schools, 20000)))

    started = time.perf_counter()
    call_command("import_training", str(path), stdout=io.StringIO())
    took = time.perf_counter() - started
    assert took < 30, f"import took {took:.1f}s"
    first = _measures(date(2015, 12, 31))
    counts = (Session.objects.count(), Attendance.objects.count())

    out = io.StringIO()
    call_command("import_training", str(path), stdout=out)
    assert "0 new sessions, 0 new and 0 changed attendances" in out.getvalue()
    assert (Session.objects.count(), Attendance.objects.count()) == counts
    assert _measures(date(2015, 12, 31)) == first
    print(f"20,000 rows imported in {took:.1f}s")


def test_import_gives_the_same_measures_as_entering_by_hand(coordinator: Any) -> None:
    schools = _schools(60)
    rows = _random_rows(schools, 400, seed=11)
    attendance_import_apply(plan=parse(_csv(rows)), actor=coordinator)
    imported = _measures(date(2015, 12, 31))

    Attendance.objects.all().delete()
    Session.objects.all().delete()
    by_urn = {s.urn: s for s in schools}
    groups: dict[tuple[str, date], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        urn, code, day, count = row.split(",")
        groups[(code, parse_day(day))][int(urn)] += int(count)
    from tests.training.factories import course

    for (code, day), counts in groups.items():
        audience = course(code).audience
        lines = []
        for i, (urn, n) in enumerate(counts.items()):
            staff, pupils, parents = (
                (0, n, 0) if audience == "pupils" else (0, 0, n) if audience == "parents" else (n, 0, 0)
            )
            school = by_urn[urn]
            lines.append(AttendanceLine(i + 1, urn, school.pk, school.name, staff, pupils, parents))
        session_create(actor=coordinator, fields={"course": course(code), "held_on": day}, attendance=lines)
    assert _measures(date(2015, 12, 31)) == imported


def parse_day(text: str) -> date:
    from training.importer import parse_date

    return parse_date(text)


def test_a_bad_file_changes_nothing_and_names_each_line(tmp_path: Path) -> None:
    (school,) = _schools(1)
    path = tmp_path / "bad.csv"
    path.write_bytes(
        _csv(
            [
                f"{school.urn},WRAP,2015-10-01,12",
                "999999,WRAP,2015-10-01,3",
                f"{school.urn},NOPE,2015-10-01,3",
                f"{school.urn},PVE,31/02/2015,1",
                f"{school.urn},PVE,2015-10-02,-4",
            ]
        )
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="4 rows in error"):
        call_command("import_training", str(path), stdout=io.StringIO(), stderr=err)
    messages = err.getvalue()
    assert "Line 3: unknown URN '999999'" in messages
    assert "Line 4: unknown course code 'NOPE'" in messages
    assert "Line 5: session date '31/02/2015' is not a date" in messages
    assert "Line 6: attendees -4 is negative" in messages
    assert not Session.objects.exists() and not Attendance.objects.exists()


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    (school,) = _schools(1)
    path = tmp_path / "ok.csv"
    path.write_bytes(_csv([f"{school.urn},WRAP,2015-10-01,12"]))
    out = io.StringIO()
    call_command("import_training", str(path), "--dry-run", stdout=out)
    assert "Dry run, nothing written: 1 rows, 1 sessions" in out.getvalue()
    assert not Session.objects.exists()


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_bytes(b"school,course,date\n1,WRAP,2015-01-01\n")
    with pytest.raises(CommandError, match="missing: urn, course_code, session_date, attendees"):
        call_command("import_training", str(path))


def test_named_attendees_and_feedback_are_imported_once_and_linked_to_contacts() -> None:
    (school,) = _schools(1)
    lead = Contact.objects.create(
        school=school, full_name="Nadia Oakes", role=ContactRole.DSL, email="n.oakes@s.example"
    )
    header = f"{HEADER},attendee_name,attendee_email,attendee_role,responses,better_understanding"
    data = _csv(
        [
            f"{school.urn},PVE,01/10/2015,1,Nadia Oakes,N.Oakes@s.example,dsl,1,1",
            f"{school.urn},PVE,01/10/2015,1,Rhys Varley,,deputy_dsl,1,0",
        ],
        header=header,
    )
    for _ in range(2):
        plan = parse(data)
        assert not plan.errors
        attendance_import_apply(plan=plan)
    session = Session.objects.get()
    assert (session.responses, session.better_understanding) == (2, 1)
    assert Attendance.objects.get().staff == 2
    assert sorted(Attendee.objects.values_list("full_name", "contact_id")) == [
        ("Nadia Oakes", lead.pk),
        ("Rhys Varley", None),
    ]
    assert selectors.contact_last_prevent_training(contact_ids=[lead.pk]) == {lead.pk: date(2015, 10, 1)}


def test_upload_page_previews_then_imports_on_confirm(coordinator: Any, client_for: Any) -> None:
    (school,) = _schools(1)
    client = client_for(coordinator)
    upload = io.BytesIO(_csv([f"{school.urn},WRAP,2015-10-01,12", f"{school.urn},PVE,2015-10-02,1"]))
    upload.name = "attendance.csv"
    response = client.post(reverse("training:import_upload"), {"file": upload})
    assert response.status_code == 302 and response.url == reverse("training:import_preview")
    preview = client.get(reverse("training:import_preview"))
    assert "Import 2 rows" in preview.content.decode()
    assert not Session.objects.exists()
    done = client.post(reverse("training:import_preview"), {"action": "confirm"})
    assert done.status_code == 302
    assert Session.objects.count() == 2 and Attendance.objects.count() == 2


def test_upload_page_lists_rows_in_error_and_offers_no_import(coordinator: Any, client_for: Any) -> None:
    client = client_for(coordinator)
    upload = io.BytesIO(_csv(["12,WRAP,2015-10-01,1"]))
    upload.name = "bad.csv"
    client.post(reverse("training:import_upload"), {"file": upload})
    text = client.get(reverse("training:import_preview")).content.decode()
    assert "1 row in error: nothing can be imported" in text
    assert "unknown URN" in text and "Import 1 rows" not in text
    assert client.post(reverse("training:import_preview"), {"action": "confirm"}).status_code == 302
    assert not Session.objects.exists()
