"""Reading an attendance CSV kept elsewhere (a spreadsheet, a booking system, the e-learning export).

Header: `urn,course_code,session_date,attendees` with optional `attendee_name`, `attendee_email`,
`attendee_role`, `responses`, `better_understanding`. Rows are grouped into one imported session per course and
date, and into one attendance per school of that session: the counts of a school's rows add up. That grouping is
the natural key that makes a second import of the same file change nothing: the session is found again by course
and date, the school's attendance is set (not added) to the file's count, and a named attendee already recorded
is not added twice.

Reading never writes; `training.import_writer.attendance_import_apply` writes a checked plan in one transaction.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from schools.models import School

from .models import AttendeeRole, Audience, Course

REQUIRED = ("urn", "course_code", "session_date", "attendees")
OPTIONAL = ("attendee_name", "attendee_email", "attendee_role", "responses", "better_understanding")
MAX_ERRORS = 500
ROLE_WORDS = {
    **{value: value for value in AttendeeRole.values},
    **{label.lower(): value for value, label in AttendeeRole.choices},
    "deputy dsl": AttendeeRole.DEPUTY_DSL,
    "deputy": AttendeeRole.DEPUTY_DSL,
    "trainer": AttendeeRole.ACCREDITED_TRAINER,
    "accredited trainer": AttendeeRole.ACCREDITED_TRAINER,
    "staff": AttendeeRole.STAFF,
    "": AttendeeRole.STAFF,
}


class ImportFileError(Exception):
    """The file cannot be read at all (not CSV, wrong header)."""


@dataclass
class NamedAttendee:
    full_name: str
    email: str
    role: str


@dataclass
class SchoolGroup:
    school_id: int
    count: int = 0
    attendees: list[NamedAttendee] = field(default_factory=list)


@dataclass
class SessionGroup:
    course_id: int
    held_on: date
    audience_field: str
    schools: dict[int, SchoolGroup] = field(default_factory=dict)
    responses: int = 0
    better_understanding: int = 0
    has_feedback: bool = False
    first_line: int = 0


@dataclass
class ImportPlan:
    rows: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    sessions: dict[tuple[int, date], SessionGroup] = field(default_factory=dict)
    course_names: dict[int, str] = field(default_factory=dict)
    school_names: dict[int, str] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def attendances(self) -> int:
        return sum(len(s.schools) for s in self.sessions.values())

    @property
    def head_count(self) -> int:
        return sum(g.count for s in self.sessions.values() for g in s.schools.values())

    @property
    def named_attendees(self) -> int:
        return sum(len(g.attendees) for s in self.sessions.values() for g in s.schools.values())

    def summary(self) -> str:
        return (
            f"{self.rows} rows, {len(self.sessions)} sessions, {self.attendances} school attendances, "
            f"{self.head_count} attendees, {self.named_attendees} named"
        )

    def session_rows(self, limit: int = 200) -> list[dict[str, Any]]:
        out = []
        for (course_id, held_on), group in sorted(self.sessions.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            out.append(
                {
                    "course": self.course_names[course_id],
                    "held_on": held_on,
                    "schools": len(group.schools),
                    "attendees": sum(g.count for g in group.schools.values()),
                    "responses": group.responses if group.has_feedback else None,
                    "better_understanding": group.better_understanding if group.has_feedback else None,
                }
            )
            if len(out) >= limit:
                break
        return out


def parse_date(value: str) -> date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _count(value: str, name: str, *, required: bool) -> int:
    value = value.strip()
    if not value:
        if required:
            raise ValueError(f"{name} is empty")
        return 0
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} '{value[:20]}' is not a whole number") from None
    if number < 0:
        raise ValueError(f"{name} {number} is negative")
    if number > 100000:
        raise ValueError(f"{name} {number} is too large")
    return number


def audience_field(audience: str) -> str:
    """Which head count an imported `attendees` number is: pupils for pupil workshops, parents for parenting."""
    if audience == Audience.PUPILS:
        return "pupils"
    if audience == Audience.PARENTS:
        return "parents"
    return "staff"


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("The file is not text: save it as CSV (comma separated values) and upload it again")


def parse(data: bytes) -> ImportPlan:
    """Reads and checks every row (two queries: courses and the URNs named). Raises ImportFileError when the
    file is not a CSV with the required header; row problems are listed in `errors` with their line numbers."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportFileError("The file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}") from None
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportFileError(
            "The first line must be the header urn,course_code,session_date,attendees; missing: " + ", ".join(missing)
        )
    index = {name: header.index(name) for name in (*REQUIRED, *OPTIONAL) if name in header}
    try:
        records = list(enumerate(reader, start=2))
    except csv.Error as exc:
        raise ImportFileError(f"The file is not a readable CSV: {exc}") from None

    courses = {c.code.upper(): c for c in Course.objects.all()}
    urns: set[int] = set()
    for _, record in records:
        raw = record[index["urn"]].strip() if len(record) > index["urn"] else ""
        if raw.isdigit():
            urns.add(int(raw))
    schools = {
        urn: (pk, name)
        for urn, pk, name in School.objects.filter(urn__in=urns).values_list("urn", "pk", "name").iterator()
    }

    result = ImportPlan()
    sessions: dict[tuple[int, date], SessionGroup] = {}
    feedback_lines: dict[tuple[int, date], list[int]] = defaultdict(list)

    def cell(record: list[str], name: str) -> str:
        i = index.get(name)
        return record[i].strip() if i is not None and i < len(record) else ""

    for line, record in records:
        if not any(v.strip() for v in record):
            continue
        result.rows += 1
        problems: list[str] = []
        urn_text = cell(record, "urn")
        school = schools.get(int(urn_text)) if urn_text.isdigit() else None
        if school is None:
            problems.append(f"unknown URN '{urn_text[:20]}'" if urn_text else "URN is empty")
        code = cell(record, "course_code").upper()
        course = courses.get(code)
        if course is None:
            problems.append(f"unknown course code '{code[:30]}'" if code else "course code is empty")
        held_on: date | None = None
        try:
            held_on = parse_date(cell(record, "session_date"))
        except ValueError:
            problems.append(
                f"session date '{cell(record, 'session_date')[:20]}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
            )
        counts: dict[str, int] = {}
        for name, required in (("attendees", True), ("responses", False), ("better_understanding", False)):
            try:
                counts[name] = _count(cell(record, name), name.replace("_", " "), required=required)
            except ValueError as exc:
                problems.append(str(exc))
        name_text, email, role_text = (
            cell(record, "attendee_name"),
            cell(record, "attendee_email"),
            cell(record, "attendee_role").lower(),
        )
        role = ROLE_WORDS.get(role_text)
        if role is None:
            problems.append(
                f"attendee role '{role_text[:30]}' is not one of: dsl, deputy_dsl, accredited_trainer, staff"
            )
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"attendee e-mail '{email[:60]}' is not an e-mail address")
        if (email or role_text) and not name_text:
            problems.append("attendee e-mail or role given without a name")
        if len(name_text) > 150:
            problems.append("attendee name is longer than 150 characters")
        if problems:
            if len(result.errors) < MAX_ERRORS:
                result.errors.append((line, "; ".join(problems)))
            else:
                result.errors.append((line, "more problems"))
            continue
        assert course is not None and school is not None and held_on is not None
        key = (course.pk, held_on)
        group = sessions.get(key)
        if group is None:
            group = sessions[key] = SessionGroup(
                course_id=course.pk, held_on=held_on, audience_field=audience_field(course.audience), first_line=line
            )
            result.course_names[course.pk] = course.name
        school_group = group.schools.get(school[0])
        if school_group is None:
            school_group = group.schools[school[0]] = SchoolGroup(school_id=school[0])
            result.school_names[school[0]] = school[1]
        school_group.count += counts["attendees"]
        if name_text:
            school_group.attendees.append(NamedAttendee(full_name=name_text, email=email.lower(), role=role or ""))
        if "responses" in index or "better_understanding" in index:
            group.has_feedback = True
            group.responses += counts.get("responses", 0)
            group.better_understanding += counts.get("better_understanding", 0)
            feedback_lines[key].append(line)

    for key, group in sessions.items():
        if group.better_understanding > group.responses:
            result.errors.append(
                (
                    feedback_lines[key][0] if feedback_lines[key] else group.first_line,
                    f"{result.course_names[key[0]]} on {key[1]:%d/%m/%Y}: better understanding "
                    f"({group.better_understanding}) is more than the responses ({group.responses})",
                )
            )
    result.errors.sort()
    result.sessions = sessions
    return result
