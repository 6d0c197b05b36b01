"""The publication register: every General Release of figures of people, kept so that no later release can be
differenced against it.

`release_restored` and `release_figures` are called by the report's figures of people (sections/people.py) in a
General Release report:
- the period has a release already: its figures are returned as released (by `release_restored`, before any
  figure is worked out, so such a report reads no referral or case), and every General Release report for the
  period prints the same tables (a coordinator's revision, `services.release_revision_request`, is the one way to
  release new figures for it);
- otherwise (the first release, or the revision asked for): the figures are protected together with every
  release whose period overlaps (the year with its quarters, a revision with what it revises) by
  `disclosure.protect_release`, which runs the attacker's integer programme with scipy's `milp` until nothing
  can be worked out, and are recorded, tables and cells as published, before any file is made.
Releases are recorded under a lock (PostgreSQL advisory lock), so two reports made at once are checked against
each other, and a release is kept even if its PDF then fails: the register never forgets figures that may have
left the building.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db import connection, transaction

from . import disclosure
from .models import Release, ReleasedCell, ReleasedTable, Report

if TYPE_CHECKING:
    from .sections.base import ReportContext

logger = logging.getLogger(__name__)

LOCK_ID = 14_410_001  # the register's advisory lock on PostgreSQL


class ReleasableFigures(Protocol):
    values: dict[Any, int]
    constraints: list[tuple[Any, list[Any]]]
    withheld: set[Any]
    stable: set[Any]

    def declared_tables(self) -> list[disclosure.DeclaredTable]: ...


F = TypeVar("F", bound=ReleasableFigures)


# ---- the figures as JSON, exactly as they were --------------------------------------------------------------


def encode(value: Any) -> Any:
    """JSON for the figures' attributes, keeping tuples, sets and non-text dict keys."""
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"s": sorted((encode(v) for v in value), key=repr)}
    if isinstance(value, dict):
        return {"d": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    return value


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "t" in value:
            return tuple(decode(v) for v in value["t"])
        if "s" in value:
            return {decode(v) for v in value["s"]}
        return {decode(k): decode(v) for k, v in value["d"]}
    return value


# ---- reads ---------------------------------------------------------------------------------------------------


def release_current(*, start: Any, end: Any) -> Release | None:
    """The release a General Release report for the period prints: the one no other release revises."""
    return Release.objects.filter(period_start=start, period_end=end, revision__isnull=True).order_by("-id").first()


def published_from(release: Release) -> disclosure.Published:
    """A stored release as the attacker (and the check) holds it."""
    data = release.figures
    return disclosure.Published(
        ident=f"r{release.pk}",
        start=release.period_start,
        end=release.period_end,
        values=dict(data["check"]["values"]),
        withheld=set(data["check"]["withheld"]),
        relations=[(t, list(p)) for t, p in data["check"]["relations"]],
        stable=set(data["check"]["stable"]),
        revision_of=f"r{release.revision_of_id}" if release.revision_of_id else None,
    )


def releases_overlapping(*, start: Any, end: Any) -> list[Release]:
    """Every release linked to the period through overlaps: those overlapping it, those overlapping them, and
    so on (a quarter's release brings in its year, and the year its other quarters)."""
    while True:
        found = list(Release.objects.filter(period_start__lte=end, period_end__gte=start).order_by("id"))
        wider = (min([start, *(r.period_start for r in found)]), max([end, *(r.period_end for r in found)]))
        if wider == (start, end):
            return found
        start, end = wider


# ---- the write -----------------------------------------------------------------------------------------------


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_ID])


def release_restored(*, ctx: ReportContext, kind: type[F]) -> F | None:
    """The figures a General Release report for `ctx`'s period prints when the period is released already (and
    the report is not the revision of that release): as released, with the report linked to the release. None
    when the figures are to be worked out and go through `release_figures`, which looks again under the lock."""
    current = release_current(start=ctx.start, end=ctx.end)
    if current is None or ctx.revision_of == current.pk:
        return None
    _link(ctx, current)
    return _restore(kind, current)


def _restore(kind: type[F], release: Release) -> F:
    restored = kind()
    vars(restored).update({name: decode(v) for name, v in release.figures["attributes"].items()})
    return restored


def release_figures(*, ctx: ReportContext, figures: F, key_text: Callable[[Any], str]) -> F:
    """The figures a General Release report for `ctx`'s period prints: see the module docstring."""
    with transaction.atomic():
        _lock()
        current = release_current(start=ctx.start, end=ctx.end)
        if current is not None and ctx.revision_of != current.pk:
            _link(ctx, current)
            return _restore(type(figures), current)
        keys = {key_text(k): k for k in figures.values}
        new = disclosure.Published(
            ident="new",
            start=ctx.start,
            end=ctx.end,
            values={key_text(k): v for k, v in figures.values.items()},
            withheld=set(),
            relations=[(key_text(t), [key_text(p) for p in parts]) for t, parts in figures.constraints],
            stable={key_text(k) for k in figures.stable},
            revision_of=f"r{current.pk}" if current is not None else None,
        )
        began = time.perf_counter()
        released = [published_from(r) for r in releases_overlapping(start=ctx.start, end=ctx.end)]
        withheld, left = disclosure.protect_release(new, released)
        seconds = time.perf_counter() - began
        if left:
            # Only releases made before the register could give these away; the new one withholds all it can.
            logger.warning(
                "release %s to %s: %d findings the earlier releases give away", ctx.start, ctx.end, len(left)
            )
        figures.withheld = {keys[k] for k in withheld}
        release = _record(ctx, figures, new, revision_of=current, seconds=seconds)
        logger.info("release %s: disclosure check over %d releases in %.1fs", release.pk, len(released) + 1, seconds)
        _link(ctx, release)
        return figures


def _link(ctx: ReportContext, release: Release) -> None:
    if ctx.report_id is not None:
        Report.objects.filter(pk=ctx.report_id).update(release=release)


def _record(
    ctx: ReportContext,
    figures: ReleasableFigures,
    new: disclosure.Published,
    *,
    revision_of: Release | None,
    seconds: float,
) -> Release:
    report = Report.objects.filter(pk=ctx.report_id).select_related("requested_by").first() if ctx.report_id else None
    release = Release.objects.create(
        period_start=ctx.start,
        period_end=ctx.end,
        report=report,
        revision_of=revision_of,
        released_by=report.requested_by if report else None,
        reason=str(report.parameters.get("revision_reason", "")) if report and revision_of else "",
        check_seconds=round(seconds, 3),
        figures={
            "attributes": {name: encode(v) for name, v in vars(figures).items()},
            "check": {
                "values": new.values,
                "withheld": sorted(new.withheld),
                "relations": [[t, p] for t, p in new.relations],
                "stable": sorted(new.stable),
            },
        },
    )
    cells: list[ReleasedCell] = []
    for position, declared in enumerate(figures.declared_tables()):
        table = ReleasedTable.objects.create(
            release=release,
            position=position,
            name=declared.name,
            caption=declared.caption,
            population=declared.population,
        )
        for n, (row, column, key) in enumerate(declared.cells):
            value = new.values[key]
            shown = disclosure.show_count(value, withheld=key in new.withheld)
            cells.append(
                ReleasedCell(table=table, position=n, row=row, column=column, key=key, value=value, shown=shown)
            )
    ReleasedCell.objects.bulk_create(cells)
    return release
