"""A referral's status as a GOV.UK tag, one colour per stage of triage."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

STATUS_TAGS = {
    "new": ("govuk-tag--blue", "New"),
    "screening": ("govuk-tag--light-blue", "Being screened"),
    "awaiting_information": ("govuk-tag--yellow", "Awaiting information"),
    "awaiting_confirmation": ("govuk-tag--orange", "Decision awaiting confirmation"),
    "decided": ("govuk-tag--green", "Decided"),
    "at_panel": ("govuk-tag--purple", "Sent to panel"),
}


@register.filter
def status_tag(referral: Any) -> SafeString:
    """`{{ referral|status_tag }}`: a filter rather than an included template, as the queue draws one per row."""
    colour, label = STATUS_TAGS.get(referral.status, ("govuk-tag--grey", None))
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label or referral.get_status_display())
