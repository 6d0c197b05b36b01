"""Pages of long lists: keyset pages (the audit trail) walk every row once in order, ties included, whichever
way they are walked, with a bounded count; ListPaginator pages join only the page's rows and give Django's pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import QueryDict

from core.models import AuditEvent
from core.pagination import ListPaginator, keyset_page
from tests.support.clock import frozen

pytestmark = pytest.mark.django_db


def _events(n: int, *, on: date) -> list[int]:
    with frozen(on):  # one instant for the whole batch: the id breaks every tie
        AuditEvent.objects.bulk_create(AuditEvent(action="test.event", object_id=str(i)) for i in range(n))
    return list(AuditEvent.objects.order_by("-occurred_at", "-id").values_list("pk", flat=True))


def _page(count_limit: int = 100, **params: str):
    query = QueryDict(mutable=True)
    query.update(params)
    return keyset_page(
        AuditEvent.objects.all(), params=query, per_page=10, field="occurred_at", count_limit=count_limit
    )


def test_keyset_pages_walk_every_row_once_older_then_newer():
    _events(12, on=date(2026, 1, 5))
    newest_first = _events(15, on=date(2026, 3, 5))
    seen, page = [], _page()
    assert page.newer is None and page.count == 27 and page.count_is_exact
    while True:
        seen += [e.pk for e in page.object_list]
        if page.older is None:
            break
        page = _page(**page.older)
    assert seen == newest_first
    back, page = [], _page(oldest="1")
    assert page.older is None and [e.pk for e in page.object_list] == newest_first[-10:]
    while True:
        shown = [e.pk for e in page.object_list]
        assert shown == sorted(shown, reverse=True)
        back = [pk for pk in shown if pk not in back] + back
        if page.newer is None:
            break
        page = _page(**page.newer)
    # Walking back reaches the newest page, shown whole (the rows it shares with the page before appear twice).
    assert back == newest_first and [e.pk for e in page.object_list] == newest_first[:10]


def test_the_count_stops_at_its_limit_and_a_bad_key_is_the_newest_page():
    newest_first = _events(30, on=date(2026, 3, 5))
    page = _page(count_limit=25, older="not-a-key")
    assert (page.count, page.count_is_exact) == (26, False)
    assert [e.pk for e in page.object_list] == newest_first[:10]


def test_list_paginator_gives_djangos_pages_and_trusts_a_known_count():
    ids = _events(23, on=date(2026, 3, 5))
    rows = AuditEvent.objects.order_by("-occurred_at", "-id")
    page = ListPaginator(rows, 10).get_page(3)
    assert [e.pk for e in page.object_list] == ids[20:] and page.paginator.num_pages == 3
    assert ListPaginator(rows, 10, count=5).num_pages == 1
    assert [e.pk for e in ListPaginator(rows, 10, orphans=3).get_page(2).object_list] == ids[10:]
