"""The GOV.UK pagination component's page numbers: the first and last page, the current one and its neighbours,
with an ellipsis for each gap (https://design-system.service.gov.uk/components/pagination/)."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_numbers(page_obj: Page[object]) -> list[int | None]:
    """[1, None, 4, 5, 6, None, 20] for page 5 of 20; None is an ellipsis."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    wanted = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
