from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def key_label(value: Any) -> str:
    """'staff_trained' -> 'Staff trained', for dictionaries handed over by other apps' selectors."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


TIER_COLOURS = {"intensive": "govuk-tag--red", "specialist": "govuk-tag--yellow"}


@register.simple_tag
def tier_tag(school: Any) -> SafeString:
    """The school's support tier as a GOV.UK tag: red for intensive, yellow for specialist, else blue. A tag
    rather than an included template, as the school list draws one per row."""
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', tier_colour(school.support_tier), school.get_support_tier_display()
    )


def tier_colour(support_tier: str) -> str:
    """The GOV.UK tag class of a support tier (the list's rows read it too)."""
    return TIER_COLOURS.get(support_tier, "govuk-tag--blue")
