"""CSV downloads of lists that are safe to open in a spreadsheet, and the one way a list page exports what its
filters show: `export_list` checks the filters, writes the audit event (which filters were used, never their
values, which may name a person) and reads the rows in the same transaction, and writes only the columns the
view passes (each view leaves out those the role may not see)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db import transaction
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


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value: Any) -> str:
    """Neutralises spreadsheet formulas (CSV injection): a value starting with = + - @ is prefixed with '."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(rows: Iterable[Sequence[Any]], *, filename: str) -> StreamingHttpResponse:
    """Streams rows (already made safe with csv_cell) as an attachment."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass(frozen=True)
class CsvColumn:
    """A column of an export: its header and how to read its value from a row."""

    header: str
    value: Callable[[Any], Any]


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
    # Rows spill from memory to a temporary file past a few megabytes, so a large export does not fill memory.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the response
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    writer = csv.writer(text)
    writer.writerow([csv_cell(column.header) for column in columns])
    with transaction.atomic():
        count = 0
        for row in queryset.iterator(chunk_size=2000):
            writer.writerow([csv_cell(column.value(row)) for column in columns])
            count += 1
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
    text.flush()
    text.detach()
    spool.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(
        spool, as_attachment=True, filename=f"{name}-{stamp}.csv", content_type="text/csv; charset=utf-8"
    )
