"""What every list page shares: sorting by its column headers on the server (a whitelist of columns per list),
and the names of the filters a list was searched with (never their values, which may name a person), for the
audit event of an export.

A list's FilterSet subclasses SortedFilterSet and names its columns:

    class ReferralFilter(SortedFilterSet):
        sorting = Sorting(Column("made", "Made", "submitted_at", "id"), ..., default="-made")

`?sort=made` sorts ascending, `?sort=-made` descending; anything else falls back to the default. The template
draws each sortable header with `{% sort_header filter "made" %}` (core/templatetags/lists.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.db.models import F, OrderBy, QuerySet

SORT_PARAM = "sort"


@dataclass(frozen=True)
class Column:
    """A sortable column: its key in the URL, its header and its ascending order (ties broken by the last)."""

    key: str
    label: str
    order: tuple[str | OrderBy, ...]

    def __init__(self, key: str, label: str, *order: str | OrderBy) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "order", order or (key,))


def _reversed(term: str | OrderBy) -> OrderBy:
    if isinstance(term, str):
        return F(term[1:]).asc() if term.startswith("-") else F(term).desc()
    flipped = term.copy()
    flipped.reverse_ordering()
    return flipped


def _forward(term: str | OrderBy) -> str | OrderBy:
    return term


@dataclass(frozen=True)
class SortState:
    key: str
    descending: bool

    @property
    def value(self) -> str:
        return f"-{self.key}" if self.descending else self.key


class Sorting:
    """The whitelist of a list's sortable columns and its default order."""

    def __init__(self, *columns: Column, default: str) -> None:
        self.columns = {column.key: column for column in columns}
        self.default = self.parse(default, strict=True)

    def parse(self, value: str | None, *, strict: bool = False) -> SortState:
        value = (value or "").strip()
        key = value.removeprefix("-")
        if key not in self.columns:
            if strict:
                raise ValueError(f"unknown sort column {value!r}")
            return self.default
        return SortState(key, value.startswith("-"))

    def order_by(self, state: SortState) -> list[str | OrderBy]:
        turn = _reversed if state.descending else _forward
        return [turn(term) for term in self.columns[state.key].order]

    def without(self, *keys: str) -> Sorting:
        """The same whitelist less some columns (those a role may not see)."""
        columns = [column for key, column in self.columns.items() if key not in keys]
        default = self.default.value if self.default.key not in keys else columns[0].key
        return Sorting(*columns, default=default)

    def next_value(self, key: str, current: SortState) -> str:
        """The header link's sort: the other direction when this column is sorted, else ascending."""
        if current.key == key:
            return key if current.descending else f"-{key}"
        return key


class SortedFilterSet(django_filters.FilterSet):
    """A FilterSet whose `qs` is sorted by the `sort` parameter within `sorting`'s whitelist. The filter form
    carries the sort in a hidden field, so filtering keeps the order. `{% filter_form filter %}` lays its fields out
    in a row of `form_columns` grid columns (text boxes for text and dates, selects for choices), in declaration
    order."""

    sorting: Sorting
    form_columns = "one-quarter"
    sort = django_filters.CharFilter(method="_keep", widget=forms.HiddenInput)

    def _keep(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return qs

    @property
    def sort_state(self) -> SortState:
        return self.sorting.parse(self.data.get(SORT_PARAM) if self.data is not None else None)

    @property
    def qs(self) -> QuerySet[Any]:
        if not hasattr(self, "_sorted_qs"):
            self._sorted_qs = super().qs.order_by(*self.sorting.order_by(self.sort_state))
        return self._sorted_qs


def filters_used(filterset: django_filters.FilterSet) -> list[str]:
    """The names of the filters given a value, in order (the sort is not a filter)."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    data: Mapping[str, Any] = filterset.form.cleaned_data
    return [name for name in filterset.filters if name != SORT_PARAM and data.get(name) not in (None, "", [], ())]
