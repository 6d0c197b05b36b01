"""Reading attendance typed as free text, one school or other body a line: "URN, staff[, pupils, parents]" or
"Body name, staff[, ...]". Reading never writes: the session services write the checked rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models.functions import Lower

from schools.models import Institution, School


@dataclass
class AttendanceLine:
    line: int
    urn: int
    school_id: int | None
    school_name: str
    staff: int
    pupils: int = 0
    parents: int = 0
    institution_id: int | None = None


def _split_line(line: str) -> list[str]:
    """Commas, tabs or semicolons separate the values; a line without them may use spaces (`103456 12`)."""
    text = line.replace("\t", ",").replace(";", ",")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and parts[0].replace(" ", "").isdigit():
        parts = parts[0].split()
    return parts


def parse_attendance_lines(text: str) -> tuple[list[AttendanceLine], list[str]]:
    """Reads one school or other body a line: `URN, staff` or `URN, staff, pupils, parents`, or a body without a
    URN by its name (`Northbrook College, 12`). Returns the rows and the problems, each naming its line. Two
    queries whatever the number of lines."""
    raw: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = _split_line(line)
        if parts:
            # Trailing numbers are the counts; what comes before them is the URN or the body's name.
            split = len(parts)
            while split > 1 and parts[split - 1].lstrip("-").isdigit() and len(parts) - split < 3:
                split -= 1
            raw.append((number, ", ".join(parts[:split]), parts[split:]))
    urns = {int(key) for _, key, _ in raw if key.isdigit()}
    schools = {u: (pk, name) for u, pk, name in School.objects.filter(urn__in=urns).values_list("urn", "pk", "name")}
    names = {key.lower() for _, key, _ in raw if not key.isdigit()}
    bodies: dict[str, list[tuple[int, str]]] = {}
    if names:
        for pk, name in (
            Institution.objects.annotate(lname=Lower("name")).filter(lname__in=names).values_list("pk", "name")
        ):
            bodies.setdefault(name.lower(), []).append((pk, name))
    rows: list[AttendanceLine] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, key, counts_text in raw:
        problems = []
        school = body = None
        if key.isdigit():
            school = schools.get(int(key))
            if school is None:
                problems.append(f"no school has URN {key}")
        else:
            found = bodies.get(key.lower(), [])
            if not found:
                problems.append(f"'{key[:60]}' is not a URN or the name of a body the portal knows")
            elif len(found) > 1:
                problems.append(f"more than one body is called '{key[:60]}'")
            else:
                body = found[0]
        if key.lower() in seen:
            problems.append(f"{'URN ' + key if key.isdigit() else key[:60]} is already on line {seen[key.lower()]}")
        if len(counts_text) not in (1, 3):
            problems.append("give the number of staff, or the numbers of staff, pupils and parents")
        counts = []
        for label, value in zip(("staff", "pupils", "parents"), counts_text, strict=False):
            if not value.isdigit():
                problems.append(f"the number of {label} '{value[:20]}' is not a whole number of 0 or more")
            else:
                counts.append(int(value))
        if problems:
            errors.append(f"Line {number}: " + "; ".join(problems))
            continue
        seen[key.lower()] = number
        if school is not None:
            rows.append(AttendanceLine(number, int(key), school[0], school[1], *counts))
        elif body is not None:
            rows.append(AttendanceLine(number, 0, None, body[1], *counts, institution_id=body[0]))  # type: ignore[misc]
    return rows, errors
