"""Two (or more) real threads doing something at the same moment, each on its own database connection: the way
the suite shows what two people clicking at once would do. PostgreSQL only (SQLite has one writer).

`at_once` releases the calls together and lets the database decide the order; `collide` sets the order: the
first call's transaction stays open until the second is waiting for a lock the first holds (seen in
pg_stat_activity), then commits."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Runs the calls in threads released together; returns each call's result, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed back to the test, which asserts on it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return bool(cursor.fetchone()[0])


def collide(first: Callable[[], Any], second: Callable[[], Any], *, timeout: float = 30) -> tuple[Outcome, Outcome]:
    """Runs `first` then, while its transaction is still open, `second`; returns what each returned or raised.
    Needs committed data (transactional_db): the threads cannot see the test's own transaction."""
    outcomes = (Outcome(), Outcome())
    first_did_its_work = threading.Event()
    commit = threading.Event()

    def run_first() -> None:
        try:
            with transaction.atomic():
                outcomes[0].result = first()
                first_did_its_work.set()
                commit.wait(timeout)
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcomes[0].error = error
        finally:
            first_did_its_work.set()
            connection.close()

    def run_second() -> None:
        first_did_its_work.wait(timeout)
        try:
            outcomes[1].result = second()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcomes[1].error = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    while threads[1].is_alive() and not _waiting_on_a_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    commit.set()
    for thread in threads:
        thread.join(timeout)
    return outcomes
