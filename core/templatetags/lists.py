"""List page tags: sortable column headers (`{% sort_header filter "made" %}`) and the export link that carries
the list's current filters and sort (`{% export_url "referrals:export" %}`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from core.lists import SORT_PARAM, SortedFilterSet

register = template.Library()


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context: template.Context, filterset: SortedFilterSet, key: str, css: str = "") -> dict[str, Any]:
    """A `<th>` with a link that sorts the list by this column (the other way when it is already sorted by it),
    and `aria-sort` saying how the list is sorted now."""
    column = filterset.sorting.columns[key]
    state = filterset.sort_state
    params = context["request"].GET.copy()
    params[SORT_PARAM] = filterset.sorting.next_value(key, state)
    params.pop("page", None)
    params.pop("after", None)
    params.pop("before", None)
    sorted_here = state.key == key
    return {
        "label": column.label,
        "href": f"?{params.urlencode()}",
        "aria_sort": ("descending" if state.descending else "ascending") if sorted_here else "none",
        "sorted_here": sorted_here,
        "css": css,
    }


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, name: str, *args: Any) -> str:
    """The export URL with the list's current query (filters, tab and sort; not the page)."""
    params = context["request"].GET.copy()
    for key in ("page", "after", "before"):
        params.pop(key, None)
    query = params.urlencode()
    return reverse(name, args=args) + (f"?{query}" if query else "")
