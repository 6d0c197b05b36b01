"""CSV downloads of lists that are safe to open in a spreadsheet, and the one way a list page exports what its
filters show: `export_list` checks the filters, writes the audit event (which filters were used, never their
values, which may name a person) and reads the rows in the same transaction, and writes only the columns the
view passes (each view leaves out those the role may not see)."""

from __future__ import annotations

import csv
import io
import itertools
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from .audit import audit_record
from .lists import SortedFilterSet, filters_used

if TYPE_CHECKING:
    import django_filters
    from django.http import HttpRequest


SPOOL_BYTES = 4 * 1024 * 1024
EXPORT_CHUNK = 2000


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_cell(value: Any) -> str:
    """Neutralises spreadsheet formulas (CSV injection): a value starting with = + - @ is prefixed with '."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)  # called for every cell of an export: kept cheap
    return f"'{text}" if text and text[0] in FORMULA_STARTS else text


def csv_response(rows: Iterable[Sequence[Any]], *, filename: str) -> StreamingHttpResponse:
    """Streams rows (already made safe with csv_cell) as an attachment."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


# Values csv.writer writes as str(value) does, and that cannot start a formula unless negative.
_NUMBERS = frozenset({int, float, bool, Decimal})
_NEVER_FORMULAS = frozenset({type(None), date, datetime, bool})


def csv_column_cells(values: Sequence[Any]) -> Sequence[Any]:
    """csv_cell over a column of values, as csv.writer will write them: a column of dates, numbers of no sign
    and blanks is written as it is (csv.writer writes str(value), and None as blank); any other column, text
    among it, passes each cell through csv_cell. The same output as csv_cell on every cell, without a call per
    number or date."""
    kinds = set(map(type, values))
    if kinds <= _NEVER_FORMULAS:
        return values
    if kinds <= _NUMBERS | {type(None)}:
        try:
            if min((v for v in values if v is not None), default=0) >= 0:
                return values
        except ArithmeticError:  # a Decimal beside a float NaN does not compare: each cell is checked instead
            pass
    return list(map(csv_cell, values))


def _column(column: CsvColumn, at: list[int], fields: list[tuple[Any, ...]]) -> Sequence[Any]:
    """A column's cells for a chunk of rows, from its fields' values (`fields`: the chunk column by column)."""
    if column.cell is None:
        return fields[at[0]]
    return list(map(column.cell, *[fields[i] for i in at]))


def export_list(
    request: HttpRequest,
    *,
    filterset: django_filters.FilterSet,
    columns: Sequence[CsvColumn],
    name: str,
    action: str,
    list_url: str,
    rows: QuerySet[Any] | None = None,
    extra: Sequence[str] = (),
) -> HttpResponseBase:
    """The CSV of what the list's filters show (`rows`, by default `filterset.qs`), as `name-YYYYmmdd-HHMM.csv`.

    Invalid filters send the user back to the list with a message. The audit event `action` records the number
    of rows, the names of the filters used and the sort (and `extra`, such as the queue tab), in the transaction
    that reads the rows. Every cell passes through csv_cell."""
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "Correct the filters before downloading the list.")
        return redirect(f"{list_url}?{request.GET.urlencode()}")
    queryset = filterset.qs if rows is None else rows
    used = filters_used(filterset)
    # Each field once, in one values_list; each column's cell from its fields' positions in that row.
    fields = list(dict.fromkeys(path for column in columns for path in column.paths))
    positions = [[fields.index(path) for path in column.paths] for column in columns]
    # Rows spill from memory to a temporary file past a few megabytes, so a large export does not fill memory.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([csv_cell(column.header) for column in columns])
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Every row is read, through a cursor: plan for all of them, not (PostgreSQL's default for cursors)
            # for the first tenth. Planned for the first tenth, the session export's rows took a quarter longer to
            # read at national scale, the refresher export's twice as long.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        count = 0
        read = queryset.prefetch_related(None).values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)
        # A chunk of rows at a time, column by column: the cell functions and csv_cell run through map() over a
        # column, and csv.writer takes the chunk at once (a third faster than a loop over rows and cells).
        while chunk := list(itertools.islice(read, EXPORT_CHUNK)):
            by_field = list(zip(*chunk, strict=True))
            cells = [
                csv_column_cells(_column(column, at, by_field)) for column, at in zip(columns, positions, strict=True)
            ]
            writer.writerows(zip(*cells, strict=True))
            spool.write(text.getvalue().encode())
            text.seek(0)
            text.truncate()
            count += len(chunk)
        details = [f"{count} rows", f"filters: {', '.join(used) or 'none'}", *extra]
        if isinstance(filterset, SortedFilterSet):
            details.append(f"sort: {filterset.sort_state.value}")
        model: type[Model] = queryset.model
        audit_record(
            actor=request.user,
            action=action,
            object_type=model._meta.label_lower,
            detail="; ".join(details),
            request=request,
        )
    spool.write(text.getvalue().encode())
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        spool, as_attachment=True, filename=f"{name}-{stamp}.csv", content_type="text/csv; charset=utf-8"
    )
