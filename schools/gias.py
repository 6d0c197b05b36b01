"""Reading the Department for Education's GIAS establishment export (`edubasealldataYYYYMMDD.csv`).

The real file is Windows-1252 with about 139 quoted columns that come and go between releases, so columns are read
by header name and every one except URN, EstablishmentName and LA (code) is optional. A column that is absent
leaves the school's value as it was. A bad row is reported with its line number and never stops the reading.
Writing the result is `schools.services.schools.gias_import_apply`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import models

from .models import Phase, School, SchoolType, Status

REQUIRED = ("URN", "EstablishmentName", "LA (code)")

# GIAS column -> School field, for plain text values.
TEXT_COLUMNS = {
    "LA (code)": "la_code",
    "LA (name)": "la_name",
    "EstablishmentNumber": "establishment_number",
    "EstablishmentName": "name",
    "TypeOfEstablishment (name)": "type_name",
    "EstablishmentTypeGroup (name)": "type_group",
    "PhaseOfEducation (name)": "phase_name",
    "Street": "street",
    "Locality": "locality",
    "Address3": "address3",
    "Town": "town",
    "Postcode": "postcode",
    "AdministrativeWard (name)": "ward",
    "AdministrativeWard (code)": "ward_code",
    "HeadTitle (name)": "head_title",
    "HeadFirstName": "head_first_name",
    "HeadLastName": "head_last_name",
    "SchoolWebsite": "website",
    "TelephoneNum": "telephone",
}
DATE_COLUMNS = {"OpenDate": "open_date", "CloseDate": "close_date"}
# GIAS column -> (School field, largest sensible value).
NUMBER_COLUMNS = {
    "NumberOfPupils": ("pupils", 1_000_000),
    "StatutoryLowAge": ("statutory_low_age", 99),
    "StatutoryHighAge": ("statutory_high_age", 99),
}
STATUS_NAMES = {
    "open": Status.OPEN,
    "closed": Status.CLOSED,
    "open, but proposed to close": Status.PROPOSED_TO_CLOSE,
    "proposed to open": Status.PROPOSED_TO_OPEN,
}
PHASE_NAMES = {
    "nursery": Phase.EARLY_YEARS,
    "primary": Phase.PRIMARY,
    "middle deemed primary": Phase.PRIMARY,
    "secondary": Phase.SECONDARY,
    "middle deemed secondary": Phase.SECONDARY,
    "16 plus": Phase.FE,
    "all-through": Phase.ALL_THROUGH,
}
TYPE_GROUPS = {
    "local authority maintained schools": SchoolType.MAINTAINED,
    "academies": SchoolType.ACADEMY,
    "free schools": SchoolType.FREE_SCHOOL,
    "independent schools": SchoolType.INDEPENDENT,
}
# Human names of the School fields, for the preview's "changed" column.
GIAS_MODEL_FIELDS = [School._meta.get_field(name) for name in School.GIAS_FIELDS]
FIELD_LABELS = {f.name: str(f.verbose_name) for f in GIAS_MODEL_FIELDS if isinstance(f, models.Field)}
MAX_LENGTHS = {f.name: f.max_length for f in GIAS_MODEL_FIELDS if isinstance(f, models.Field) and f.max_length}


class GiasFileError(Exception):
    """The file as a whole cannot be read: wrong encoding, not a CSV, or a required column missing."""


@dataclass
class ParsedFile:
    """The rows of the chosen local authority, ready to compare with the database."""

    encoding: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    other_la: int = 0
    la_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        def plain(row: dict[str, Any]) -> dict[str, Any]:
            return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}

        return {
            "encoding": self.encoding,
            "columns": self.columns,
            "rows": [plain(r) for r in self.rows],
            "errors": [list(e) for e in self.errors],
            "other_la": self.other_la,
            "la_code": self.la_code,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParsedFile:
        date_fields = set(DATE_COLUMNS.values())
        rows = [
            {k: date.fromisoformat(v) if k in date_fields and v else v for k, v in row.items()} for row in data["rows"]
        ]
        return cls(
            encoding=data["encoding"],
            columns=list(data["columns"]),
            rows=rows,
            errors=[(int(line), str(reason)) for line, reason in data["errors"]],
            other_la=int(data["other_la"]),
            la_code=data.get("la_code"),
        )


READ_BYTES = 1024 * 1024


def _is_utf8(source: IO[bytes]) -> bool:
    """Whether the whole stream is valid UTF-8, read a block at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for block in iter(lambda: source.read(READ_BYTES), b""):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def open_text(source: IO[bytes]) -> tuple[io.TextIOWrapper, str]:
    """The stream as text and the encoding's name: UTF-8 if the bytes are valid UTF-8 (a byte-order mark is
    dropped), otherwise Windows-1252, as GIAS writes it. The source must be seekable: it is read twice, a block at
    a time, so a national file is never whole in memory."""
    head = source.read(4096)
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head:
        raise GiasFileError(
            "The file is not a CSV file in UTF-8 or Windows-1252: it looks like UTF-16 or a spreadsheet. "
            "Download the establishment CSV file from GIAS again and upload it as it is."
        )
    if head[:2] == b"PK":
        raise GiasFileError("The file is a spreadsheet, not a CSV file. Upload the CSV file as GIAS gives it.")
    source.seek(0)
    encoding, label = ("utf-8-sig", "UTF-8") if _is_utf8(source) else ("cp1252", "Windows-1252")
    source.seek(0)
    return io.TextIOWrapper(source, encoding=encoding, newline=""), label  # type: ignore[arg-type]


def _undecodable(error: UnicodeDecodeError) -> str:
    return (
        f"The file is neither UTF-8 nor Windows-1252 (byte {error.object[error.start]:#04x} cannot be read). "
        "Download the establishment CSV file from GIAS again."
    )


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"is not a date in the form dd-mm-yyyy: {value!r}")


def _parse_number(value: str, limit: int) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        try:
            as_float = float(value)
        except ValueError:
            raise ValueError(f"is not a whole number: {value!r}") from None
        if not as_float.is_integer():
            raise ValueError(f"is not a whole number: {value!r}") from None
        number = int(as_float)
    if number < 0 or number > limit:
        raise ValueError(f"is out of range: {value!r}")
    return number


def school_type_for(group: str, type_name: str) -> str:
    kind = TYPE_GROUPS.get(group.strip().lower())
    if kind:
        return kind
    lowered = type_name.lower()
    if "academy" in lowered:
        return SchoolType.ACADEMY
    if "free school" in lowered:
        return SchoolType.FREE_SCHOOL
    if lowered.startswith(("community", "foundation", "voluntary")) or "pupil referral unit" in lowered:
        return SchoolType.MAINTAINED
    if "independent" in lowered:
        return SchoolType.INDEPENDENT
    return SchoolType.OTHER


def phase_for(phase_name: str, group: str, type_name: str) -> str:
    phase = PHASE_NAMES.get(phase_name.strip().lower())
    if phase:
        return phase
    group_l, type_l = group.strip().lower(), type_name.lower()
    if "pupil referral unit" in type_l or "alternative provision" in type_l:
        return Phase.PRU
    if group_l == "special schools" or "special" in type_l:
        return Phase.SPECIAL
    if group_l == "universities" or "higher education" in type_l:
        return Phase.HE
    if group_l == "colleges" or "further education" in type_l or "sixth form" in type_l:
        return Phase.FE
    return Phase.OTHER


def _converter(columns: set[str]) -> Callable[[dict[str, str]], dict[str, Any]]:
    """A function turning one CSV record into School field values, for the columns this file has."""
    text = [(col, f) for col, f in TEXT_COLUMNS.items() if col in columns]
    dates = [(col, f) for col, f in DATE_COLUMNS.items() if col in columns]
    numbers = [(col, f) for col, f in NUMBER_COLUMNS.items() if col in columns]
    has_status = "EstablishmentStatus (name)" in columns
    has_group = "EstablishmentTypeGroup (name)" in columns
    has_type = "TypeOfEstablishment (name)" in columns
    has_phase = "PhaseOfEducation (name)" in columns

    def convert(record: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for col, name in text:
            value = (record.get(col) or "").strip()
            limit = MAX_LENGTHS.get(name)
            if limit and len(value) > limit:
                raise ValueError(f"{col} is longer than {limit} characters")
            values[name] = value
        for col, name in dates:
            try:
                values[name] = _parse_date(record.get(col) or "")
            except ValueError as error:
                raise ValueError(f"{col} {error}") from None
        for col, (name, limit) in numbers:
            try:
                values[name] = _parse_number(record.get(col) or "", limit)
            except ValueError as error:
                raise ValueError(f"{col} {error}") from None
        if has_status:
            raw = (record.get("EstablishmentStatus (name)") or "").strip()
            status = STATUS_NAMES.get(raw.lower())
            if status is None:
                raise ValueError(f"EstablishmentStatus (name) is not a status GIAS uses: {raw!r}")
            values["status"] = str(status)
        group = values.get("type_group", "")
        type_name = values.get("type_name", "")
        if has_group or has_type:
            values["school_type"] = str(school_type_for(group, type_name))
        if has_phase:
            values["phase"] = str(phase_for(values.get("phase_name", ""), group, type_name))
        return values

    return convert


def parse(source: bytes | IO[bytes], *, la_code: str | None = None) -> ParsedFile:
    """Reads a GIAS export, from bytes or a seekable binary stream (an upload, an open file) that is read a block
    at a time, so only the chosen authority's rows are held. Raises GiasFileError when the file cannot be read at
    all; a bad row is recorded in `errors` (line number, reason) and reading goes on. Rows of other local
    authorities are counted, not read."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    text, encoding = open_text(stream)
    try:
        return _parse_rows(text, encoding, la_code)
    except UnicodeDecodeError as error:
        raise GiasFileError(_undecodable(error)) from None
    finally:
        text.detach()  # the caller's stream stays open


def _parse_rows(text: IO[str], encoding: str, la_code: str | None) -> ParsedFile:
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise GiasFileError("The file is empty.") from None
    except csv.Error as error:
        raise GiasFileError(f"The first line is not a CSV header: {error}.") from None
    header = [h.strip() for h in header]
    missing = [col for col in REQUIRED if col not in header]
    if missing:
        raise GiasFileError(
            f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            "Is it the GIAS establishment export (edubasealldata...csv)?"
        )
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    columns = set(index)
    urn_at, la_at = index["URN"], index["LA (code)"]
    wanted = la_code.strip() if la_code else None
    convert = _converter(columns)
    parsed = ParsedFile(encoding=encoding, columns=header, la_code=wanted)
    seen: dict[int, int] = {}
    width = len(header)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            parsed.errors.append((reader.line_num, f"cannot be read as CSV: {error}"))
            line = reader.line_num
            continue
        line = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) <= max(urn_at, la_at):
            parsed.errors.append((line, f"has {len(cells)} values where the header has {width}"))
            continue
        if wanted is not None and cells[la_at].strip() != wanted:
            parsed.other_la += 1
            continue
        if len(cells) != width:
            parsed.errors.append((line, f"has {len(cells)} values where the header has {width}"))
            continue
        raw_urn = cells[urn_at].strip()
        if not raw_urn.isdigit() or int(raw_urn) == 0:
            parsed.errors.append((line, f"URN is not a number: {raw_urn!r}" if raw_urn else "URN is empty"))
            continue
        urn = int(raw_urn)
        if urn in seen:
            parsed.errors.append((line, f"URN {urn} is also on line {seen[urn]}"))
            continue
        record = {name: cells[i] for name, i in index.items()}
        try:
            values = convert(record)
        except ValueError as error:
            parsed.errors.append((line, str(error)))
            continue
        if not values.get("name"):
            parsed.errors.append((line, "EstablishmentName is empty"))
            continue
        if not values.get("la_code"):
            parsed.errors.append((line, "LA (code) is empty"))
            continue
        seen[urn] = line
        values["urn"] = urn
        parsed.rows.append(values)
    return parsed


@dataclass
class ImportPlan:
    """What applying a parsed file would do, compared with the database now."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    other_la: int = 0
    # The primary keys of the schools to update, by URN.
    existing_ids: dict[int, int] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.changed)} changed ({len(self.closed)} now closed), "
            f"{self.unchanged} unchanged, {self.other_la} of other local authorities ignored, "
            f"{len(self.errors)} rows in error"
        )

    def changed_labels(self, fields: Iterable[str]) -> list[str]:
        return [FIELD_LABELS.get(f, f) for f in fields]


def plan(parsed: ParsedFile) -> ImportPlan:
    """Compares the parsed rows with the schools in the database: one query per 5,000 URNs."""
    result = ImportPlan(errors=list(parsed.errors), other_la=parsed.other_la)
    urns = [row["urn"] for row in parsed.rows]
    fields = ["id", "urn", *School.GIAS_FIELDS]
    existing: dict[int, dict[str, Any]] = {}
    for start in range(0, len(urns), 5000):
        chunk = urns[start : start + 5000]
        for values in School.objects.filter(urn__in=chunk).values(*fields):
            existing[values["urn"]] = values
    for row in parsed.rows:
        current = existing.get(row["urn"])
        if current is None:
            result.new.append(row)
            continue
        result.existing_ids[row["urn"]] = current["id"]
        changed = [name for name, value in row.items() if name != "urn" and current.get(name) != value]
        if not changed:
            result.unchanged += 1
            continue
        result.changed.append((row, changed))
        if "status" in changed and row["status"] == Status.CLOSED:
            result.closed.append(row)
    return result
