"""Plain INSERTs for the demo's big tables, in batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.utils import timezone

T = TypeVar("T")
BATCH = 5000


def batches(rows: Sequence[T]) -> list[Sequence[T]]:
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


def insert(model: type[Any], columns: Sequence[str], rows: list[tuple]) -> None:
    """Plain INSERTs (executemany) for the big tables: several times quicker than bulk_create at national
    scale, and the same on SQLite and PostgreSQL (values adapted by the connection's own operations)."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for batch in batches(rows):
            cursor.executemany(sql, batch)


def insert_objects(model: type[Any], objects: list[Any]) -> None:
    """Insert unsaved model instances with ids given here, by plain INSERTs (bulk_create spends most of its time
    preparing values field by field), then move the id sequence on past them (PostgreSQL)."""
    from django.core.management.color import no_style
    from django.db.models import DateField, DateTimeField, Max

    now = timezone.now()
    next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    fields = list(model._meta.concrete_fields)
    adapt: list[Any] = []
    for f in fields:
        if isinstance(f, DateTimeField):
            adapt.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(f, DateField):
            adapt.append(connection.ops.adapt_datefield_value)
        else:
            adapt.append(None)
    rows: list[tuple] = []
    for offset, obj in enumerate(objects):
        obj.pk = next_id + offset
        obj.created_at = obj.updated_at = getattr(obj, "submitted_at", None) or now
        values = []
        for f, a in zip(fields, adapt, strict=True):
            value = getattr(obj, f.attname)
            values.append(a(value) if a is not None and value is not None else value)
        rows.append(tuple(values))
    insert(model, [f.column for f in fields], rows)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)
