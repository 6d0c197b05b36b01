"""The council-wide training figures of the uptake dashboard and the home pages, kept between requests for as long
as the data they are read from is unchanged.

Each figure bundle is kept under the state of the tables it reads (WATCHED_TABLES): the epoch of
training.models.FiguresChange, the number of its rows and the highest id. Database triggers add a row in the
writer's own transaction for every change to those tables, so a commit that changes them changes the key, and the
next request reads the figures afresh. The state is read before the figures, so figures kept under a state are
never older than it. Nothing is kept inside a transaction: a write in it could still be rolled back (and on SQLite
the ids it took given out again).

The figures are kept in each process's own memory (the "figures" cache, CACHES in settings), so they need no
other server and every process keeps its own copy. A DSL's own school's figures are not kept: they are cheap."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from datetime import date
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import connection, transaction
from django.db.models import F

from . import selectors
from .models import FiguresChange, FiguresEpoch

# The tables the kept figures are read from: each carries the triggers of training/migrations/0006 (a test holds
# this list to the tables the figures' own queries name, and to the triggers in the database).
WATCHED_TABLES = (
    "schools_school",
    "schools_contact",
    "training_attendance",
    "training_attendee",
    "training_contactlastpreventtraining",
    "training_contactpreventtraining",
    "training_course",
    "training_schoolfirsttraining",
    "training_session",
    "training_sessiontotals",
)
FIGURES_CACHE = "figures"
# Figures of a state nobody asks for again (the data changed) leave memory after a day, or sooner when the cache
# is full (MAX_ENTRIES in settings).
KEEP_SECONDS = 24 * 60 * 60

T = TypeVar("T")
_MISSING = object()


def figures_state() -> tuple[int, int, int]:
    """(epoch, changes, highest change id) of the watched tables, in one query."""
    log, epochs = FiguresChange._meta.db_table, FiguresEpoch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(epoch) FROM {epochs}), COUNT(*), MAX(id) FROM {log}")  # noqa: S608 - table names from the models
        epoch, changes, last = cursor.fetchone()
    return (epoch or 0, changes, last or 0)


def kept_figures(name: str, compute: Callable[[], T], *key: Hashable) -> T:
    """`compute()`, made once for each state of the watched tables and `key` (the figures' own choices, such as
    the date) and kept in memory for the next requests."""
    if connection.in_atomic_block:
        return compute()
    state = figures_state()
    digest = hashlib.sha256(repr((name, state, key)).encode()).hexdigest()
    cache = caches[FIGURES_CACHE]
    found = cache.get(digest, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(digest, found, KEEP_SECONDS)
    return found  # type: ignore[return-value]  # what compute() made for this key


def figures_changes_clear() -> int:
    """Removes the logged changes and moves the epoch on, in one transaction (nightly, training.tasks): the number
    of changes starts again from nought, in a new epoch. Returns the number removed."""
    with transaction.atomic():
        if not FiguresEpoch.objects.filter(pk=1).update(epoch=F("epoch") + 1):
            FiguresEpoch.objects.create(pk=1, epoch=1)
        removed, _ = FiguresChange.objects.all().delete()
    return removed


def dashboard_figures(*, on: date, start: date, phase: str, ward: str) -> dict[str, Any]:
    """The uptake dashboard's council-wide figures for its date, reach period, phase and ward."""

    def compute() -> dict[str, Any]:
        # One pass over the schools for the whole series and the phases on `on` (the series ends on `on`).
        series, by_phase = selectors.uptake_series_and_by_phase(
            dates=dashboard_series_dates(on), phase=phase or None, ward=ward or None
        )
        uptake = series[-1]
        return {
            "series": series,
            "uptake": uptake,
            "by_phase": by_phase,
            "trainers": selectors.accredited_trainers_per_school(
                on=on, phase=phase or None, ward=ward or None, open_schools=uptake["open_schools"]
            ),
            "reach": selectors.reach_in_period(start=start, end=on),
            "feedback": selectors.feedback_in_period(start=start, end=on),
            "delivery": selectors.commissioned_delivery_in_period(start=start, end=on),
            "overdue_count": selectors.overdue_dsl_contacts(on=on).count(),
        }

    return kept_figures("dashboard", compute, on, start, phase, ward)


def home_figures(*, on: date) -> dict[str, Any]:
    """The training uptake part of a coordinator's or adviser's home page."""

    def compute() -> dict[str, Any]:
        return {
            "uptake": selectors.uptake_as_at(on=on),
            "overdue": selectors.overdue_dsl_contacts(on=on).count(),
        }

    return kept_figures("home", compute, on)


def dashboard_series_dates(on: date, points: int = 8) -> list[date]:
    """The end of each academic year (31 August) before `on`, then `on` itself."""
    last_end = date(on.year if on.month >= 9 else on.year - 1, 8, 31)
    dates = [date(last_end.year - i, 8, 31) for i in range(points - 2, -1, -1)]
    return [d for d in dates if d < on] + [on]
