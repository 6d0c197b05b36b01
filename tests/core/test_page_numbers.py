"""The GOV.UK pagination's page numbers: first, last, the current page and its neighbours, ellipses between."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from core.templatetags.pagination import page_numbers


@pytest.mark.parametrize(
    ("pages", "current", "expected"),
    [
        (1, 1, [1]),
        (2, 1, [1, 2]),
        (3, 2, [1, 2, 3]),
        (20, 1, [1, 2, None, 20]),
        (20, 5, [1, None, 4, 5, 6, None, 20]),
        (20, 3, [1, 2, 3, 4, None, 20]),
        (20, 20, [1, None, 19, 20]),
    ],
)
def test_page_numbers(pages, current, expected):
    page = Paginator(range(pages * 10), 10).get_page(current)
    assert page_numbers(page) == expected
