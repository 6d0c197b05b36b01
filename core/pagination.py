"""Pagination for long lists: offset pages that join only the page's rows, and keyset pages for the longest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    _Paginator = Paginator[Any]
else:
    _Paginator = Paginator  # generic for the type checker only: Django's class takes no subscript at run time


class ListPaginator(_Paginator):
    """Django's Paginator for long lists. A page's rows are found by their keys first (`pk IN (SELECT pk ... ORDER
    BY ... LIMIT n OFFSET m)`, an index-only scan for a list whose order has an index), so only the page's rows are
    joined (select_related) and annotated, however deep the page: an OFFSET over the full rows joined and
    annotated every skipped row. `count`, when the page already knows it (a queue tab's count), is not asked of
    the database again. Still one query for the page's rows."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.rows = object_list
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else self.rows.count()

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(self.rows.filter(pk__in=self.rows.values("pk")[bottom:top]), number, self)


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list, newest first. `newer` and `older` are the query parameters of the
    neighbouring pages (None at either end); `count` is exact up to `count_limit`, beyond which the page says
    "more than"."""

    object_list: list[Any]
    newer: dict[str, str] | None
    older: dict[str, str] | None
    count: int
    count_limit: int

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.count_limit

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def _cursor(row: Any, field: str) -> str:
    return f"{getattr(row, field).isoformat()}_{row.pk}"


def _parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    if not value or "_" not in value:
        return None
    moment, _, pk = value.rpartition("_")
    try:
        parsed = datetime.fromisoformat(moment)
        return (parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)), int(pk)
    except ValueError:
        return None


def keyset_page(
    rows: QuerySet[Any], *, params: Mapping[str, str], per_page: int, field: str, count_limit: int = 10_000
) -> KeysetPage:
    """A page of `rows` ordered by (`field`, id), newest first, found from the neighbouring row's key instead of
    an OFFSET: every page, the oldest included, is an index scan over (`field`, id) that reads `per_page` rows,
    however long the table. Query parameters: `older=<key>` (the rows after that one), `newer=<key>` (the rows
    before it), `oldest=1` (the last page); none, or a key that does not parse, is the newest page. The count
    stops at `count_limit` + 1 rows, so a search matching a million rows costs no more than one matching 10,000.
    Two queries."""
    newest_first = rows.order_by(f"-{field}", "-pk")
    oldest_first = rows.order_by(field, "pk")
    older, newer = _parse_cursor(params.get("older")), _parse_cursor(params.get("newer"))
    found: list[Any] = []
    at_newest = at_oldest = False
    if newer is not None or params.get("oldest") == "1":
        if newer is not None:
            moment, pk = newer
            after = Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
            oldest_first = oldest_first.filter(after, **{f"{field}__gte": moment})
        found = list(oldest_first[: per_page + 1])
        at_newest, at_oldest = len(found) <= per_page, newer is None
        found = found[:per_page][::-1]
        if at_newest and newer is not None:
            found, older = [], None  # fewer than a page is newer: show the newest page whole
    if not found:
        if older is not None:
            moment, pk = older
            before = Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk})
            newest_first = newest_first.filter(before, **{f"{field}__lte": moment})
        found = list(newest_first[: per_page + 1])
        at_newest, at_oldest = older is None, len(found) <= per_page
        found = found[:per_page]
    count = rows.order_by()[: count_limit + 1].count()
    return KeysetPage(
        object_list=found,
        newer=None if at_newest or not found else {"newer": _cursor(found[0], field)},
        older=None if at_oldest or not found else {"older": _cursor(found[-1], field)},
        count=count,
        count_limit=count_limit,
    )
