"""CSV downloads of lists that are safe to open in a spreadsheet. Each list's export is a `ListExport`, registered
by its app; `export_csv` writes the audit event (which filters were used, never their values, which may name a
person) and reads the rows in the same transaction, and writes only the columns the export chose for the person
(each leaves out those the role may not see). core.downloads decides whether a download is made in the request
or, for a long list, in the background."""

from __future__ import annotations

import csv
import io
import itertools
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone

from .audit import audit_record
from .lists import SortedFilterSet, filters_used

if TYPE_CHECKING:
    import django_filters
    from django.http import HttpRequest, QueryDict


SPOOL_BYTES = 4 * 1024 * 1024
EXPORT_CHUNK = 2000


FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_cell(value: Any) -> str:
    """Neutralises spreadsheet formulas (CSV injection): a value starting with = + - @ is prefixed with '."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)  # called for every cell of an export: kept cheap
    return f"'{text}" if text and text[0] in FORMULA_STARTS else text


@dataclass(frozen=True)
class CsvColumn:
    """A column of an export: its header, the fields it reads (names as `QuerySet.values_list` takes them: the
    model's fields, the queryset's annotations, a related model's field through `__`; never a many-valued
    relation, which would repeat rows) and how its cell is made from their values, in order (by default the
    one field's value as it is). Rows are read as values, not model instances: an export of 60,000 rows is one
    streamed query and a loop, not 60,000 objects with their related objects."""

    header: str
    fields: str | tuple[str, ...]
    cell: Callable[..., Any] | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.fields,) if isinstance(self.fields, str) else self.fields


def choice_label(model: type[Model], field_name: str) -> Callable[[Any], Any]:
    """The label of a choice field's value, as `get_<field>_display()` gives it (the value itself when it is not
    one of the choices), for a column read as values. The labels are read on first use (they may be lazy)."""
    labels: dict[Any, str] = {}

    def label(value: Any) -> Any:
        if not labels:
            labels.update((key, str(text)) for key, text in model._meta.get_field(field_name).flatchoices)  # type: ignore[union-attr]
        return labels.get(value, value)

    return label


def iso(value: Any) -> str:
    """A date or date-time as ISO 8601; blank when there is none."""
    return value.isoformat() if value is not None else ""


# A cell csv_cell would neutralise, after the line break each cell of a column is joined behind (one pattern with a
# literal first character: a search as fast as one substring search, six times faster than six of them).
_FORMULA_AFTER_BREAK = re.compile(r"\n[-=+@\t\r]")


def _quoted(text: str) -> str:
    """The cell as csv.writer writes it (QUOTE_MINIMAL, the excel dialect): quoted, its quotes doubled, when it
    holds a quote, a comma or a line break."""
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


# Kinds of value whose equal values always print the same (not floats: -0.0 == 0.0; not Decimals: 1.0 == 1.00;
# not date-times: the same instant in two zones; not booleans beside integers: True == 1).
_SAME_TEXT_WHEN_EQUAL = (frozenset({str}), frozenset({int}), frozenset({date}))
_NONE = type(None)


def _map_values(function: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """map(function, values), calling it once per distinct value when values repeat (the course of each of
    30,000 sessions, a date, a status) and are of one kind that prints the same when equal; `function` must
    depend on its value only, as every cell function and csv_cell does."""
    if frozenset(map(type, values)) - {_NONE} in _SAME_TEXT_WHEN_EQUAL:
        distinct = set(values)
        if 2 * len(distinct) <= len(values):
            table = {value: function(value) for value in distinct}
            return list(map(table.__getitem__, values))
    return list(map(function, values))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def csv_column_text(values: Sequence[Any]) -> Sequence[str]:
    """A column's cells as csv.writer writes each after csv_cell: str(value), None blank, formulas neutralised,
    quoted where they need it. The checks are searches over the column joined (in C, a few
    milliseconds for 30,000 cells), not a call per cell: a cell is passed through csv_cell or quoted one by one
    only in a column where some cell needs it."""
    text: Sequence[str] = values if all(type(value) is str for value in values) else _map_values(_text, values)
    joined = "\n" + "\n".join(text)
    # A line break inside a cell may make a check pass over the whole column: harmless, since csv_cell and
    # _quoted leave every cell that does not need them as it is.
    if _FORMULA_AFTER_BREAK.search(joined):
        text = _map_values(csv_cell, text)
        joined = "\n" + "\n".join(text)
    if '"' in joined or "," in joined or "\r" in joined or joined.count("\n") > len(text):
        text = _map_values(_quoted, text)
    return text


def csv_lines(columns: Sequence[Sequence[Any]]) -> str:
    """Rows given column by column, as the lines csv.writer(...).writerows writes for them after csv_cell on
    every cell (byte for byte: tests/core/test_csv_export.py compares the two), three times as fast: each line is
    one str.join of its cells' text, made column by column by csv_column_text."""
    if not columns or not columns[0]:
        return ""
    if len(columns) == 1:  # csv.writer quotes a row that is one empty cell: left to it
        out = io.StringIO()
        csv.writer(out).writerows([csv_cell(value)] for value in columns[0])
        return out.getvalue()
    return "\r\n".join(map(",".join, zip(*map(csv_column_text, columns), strict=True))) + "\r\n"


def _column(column: CsvColumn, at: list[int], fields: list[tuple[Any, ...]]) -> Sequence[Any]:
    """A column's cells for a chunk of rows, from its fields' values (`fields`: the chunk column by column)."""
    if column.cell is None:
        return fields[at[0]]
    if len(at) == 1:
        return _map_values(column.cell, fields[at[0]])
    return list(map(column.cell, *[fields[i] for i in at]))


class ExportFiltersInvalid(Exception):  # noqa: N818 - a refusal with its message, not an error
    """A list's own choices beyond its filter set (such as the dashboard's date) are not valid: the message says
    what to correct, and the user is sent back to the list."""


@dataclass(frozen=True)
class ExportRows:
    """What one person's export of a list holds: the list's filter set over what they may see, the columns they
    may see (each view leaves out those the role may not), the rows (by default `filterset.qs`) and what else the
    audit event notes (such as the queue's tab)."""

    filterset: django_filters.FilterSet
    columns: Sequence[CsvColumn]
    rows: QuerySet[Any] | None = None
    extra: Sequence[str] = ()

    @property
    def queryset(self) -> QuerySet[Any]:
        return self.filterset.qs if self.rows is None else self.rows


@dataclass(frozen=True)
class ListExport:
    """A list's CSV download. `rows_for(user, params)` is the only way its rows are chosen, for a download made
    in the request and for one made in the background alike, so both apply the same scoping and refusals: it
    raises Http404 for someone who may not download the list and ExportFiltersInvalid for choices to correct.
    Each app registers its exports in its AppConfig.ready (register_list_export), so a worker finds them by key."""

    key: str
    title: str  # the list's page title: "Training sessions"
    name: str  # the file's name before its date: "training-sessions"
    action: str
    list_url_name: str
    rows_for: Callable[[Any, QueryDict], ExportRows]

    @property
    def list_url(self) -> str:
        return reverse(self.list_url_name)


_exports: dict[str, ListExport] = {}


def register_list_export(export: ListExport) -> None:
    known = _exports.setdefault(export.key, export)
    if known is not export:
        raise ImproperlyConfigured(f"two list exports are registered as {export.key!r}")


def list_export_for(key: str) -> ListExport:
    """The registered export; a key nothing registered (a download asked for before a release that renamed it)
    raises LookupError."""
    try:
        return _exports[key]
    except KeyError:
        raise LookupError(f"no list export is registered as {key!r}") from None


def list_exports() -> list[ListExport]:
    return list(_exports.values())


def export_csv(
    export: ListExport, rows: ExportRows, *, actor: Any, request: HttpRequest | None, extra: Sequence[str] = ()
) -> tuple[IO[bytes], int]:
    """Writes the rows' CSV into a spooled file (rewound) and returns it with the number of rows. The audit event
    `export.action` records that number, the names of the filters used and the sort (and the rows' `extra`, then
    `extra`), in the transaction that reads the rows. Every cell passes through csv_cell."""
    queryset = rows.queryset
    columns = rows.columns
    used = filters_used(rows.filterset)
    # Each field once, in one values_list; each column's cell from its fields' positions in that row.
    fields = list(dict.fromkeys(path for column in columns for path in column.paths))
    positions = [[fields.index(path) for path in column.paths] for column in columns]
    # Rows spill from memory to a temporary file past a few megabytes, so a large export does not fill memory.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the caller
    spool.write(csv_lines([[column.header] for column in columns]).encode())
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Every row is read, through a cursor: plan for all of them, not (PostgreSQL's default for cursors)
            # for the first tenth. Planned for the first tenth, the session export's rows took a quarter longer to
            # read at national scale, the refresher export's twice as long.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        count = 0
        read = queryset.prefetch_related(None).values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)
        # A chunk of rows at a time, column by column: the cell functions run through map() over a column, and
        # csv_lines writes the chunk's lines at once (over four times as fast as csv.writer on each row's cells).
        while chunk := list(itertools.islice(read, EXPORT_CHUNK)):
            by_field = list(zip(*chunk, strict=True))
            cells = [_column(column, at, by_field) for column, at in zip(columns, positions, strict=True)]
            spool.write(csv_lines(cells).encode())
            count += len(chunk)
        details = [f"{count} rows", f"filters: {', '.join(used) or 'none'}", *rows.extra]
        if isinstance(rows.filterset, SortedFilterSet):
            details.append(f"sort: {rows.filterset.sort_state.value}")
        model: type[Model] = queryset.model
        audit_record(
            actor=actor,
            action=export.action,
            object_type=model._meta.label_lower,
            detail="; ".join([*details, *extra]),
            request=request,
        )
    spool.seek(0)
    return spool, count


def export_file_name(export: ListExport) -> str:
    """`name-YYYYmmdd-HHMM.csv`, in the council's time."""
    return f"{export.name}-{timezone.localtime().strftime('%Y%m%d-%H%M')}.csv"
