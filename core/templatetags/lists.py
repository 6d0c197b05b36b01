"""List page tags: the search and filter form (`{% filter_form filter %}`), sortable column headers
(`{% sort_header filter "made" %}`) and the export link that carries
the list's current filters and sort (`{% export_url "referrals:export" %}`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core.filter_form import render_filter_form
from core.lists import SORT_PARAM, SortedFilterSet

register = template.Library()


SORT_ARROWS = {"ascending": "&#9650;", "descending": "&#9660;", "none": "&#9650;&#9660;"}
SORT_HINTS = {
    "ascending": " (sorted ascending, select to sort descending)",
    "descending": " (sorted descending, select to sort ascending)",
    "none": " (select to sort)",
}


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, filterset: SortedFilterSet, key: str, css: str = "") -> SafeString:
    """A `<th>` with a link that sorts the list by this column (the other way when it is already sorted by it),
    and `aria-sort` saying how the list is sorted now; the arrow is hidden from screen readers, which hear the
    sort in words. Written with format_html: a template per header cost more than the header."""
    column = filterset.sorting.columns[key]
    state = filterset.sort_state
    params = context["request"].GET.copy()
    params[SORT_PARAM] = filterset.sorting.next_value(key, state)
    for name in ("page", "after", "before"):
        params.pop(name, None)
    aria_sort = ("descending" if state.descending else "ascending") if state.key == key else "none"
    return format_html(
        '<th scope="col" class="govuk-table__header portal-sort-header{}" aria-sort="{}">'
        '<a class="govuk-link portal-sort-link" href="?{}">{}<span class="portal-sort-arrow" aria-hidden="true">{}'
        '</span><span class="govuk-visually-hidden">{}</span></a></th>',
        f" {css}" if css else "",
        aria_sort,
        params.urlencode(),
        column.label,
        mark_safe(SORT_ARROWS[aria_sort]),  # noqa: S308  # a constant
        SORT_HINTS[aria_sort],
    )


@register.simple_tag
def filter_form(filterset: django_filters.FilterSet) -> SafeString:
    """The list's search and filter form (core/filter_form.py), its fields in the filter set's `form_columns`."""
    return render_filter_form(filterset.form, columns=getattr(filterset, "form_columns", "one-third"))


@register.simple_tag(takes_context=True)
def export_url(context: template.Context, name: str, *args: Any) -> str:
    """The export URL with the list's current query (filters, tab and sort; not the page)."""
    params = context["request"].GET.copy()
    for key in ("page", "after", "before"):
        params.pop(key, None)
    query = params.urlencode()
    return reverse(name, args=args) + (f"?{query}" if query else "")
