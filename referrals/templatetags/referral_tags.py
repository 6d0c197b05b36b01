"""A referral's status as a GOV.UK tag, one colour per stage of triage, and its outcome, from the values of the
status and decision (the queue reads its rows as values, not models)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..models import Status, decision_outcome

register = template.Library()

STATUS_TAGS = {
    "new": ("govuk-tag--blue", "New"),
    "screening": ("govuk-tag--light-blue", "Being screened"),
    "awaiting_information": ("govuk-tag--yellow", "Awaiting information"),
    "awaiting_confirmation": ("govuk-tag--orange", "Decision awaiting confirmation"),
    "decided": ("govuk-tag--green", "Decided"),
    "at_panel": ("govuk-tag--purple", "Sent to panel"),
}
_STATUS_LABELS: dict[str, str] = dict(Status.choices)


@register.filter
def status_tag(status: str) -> SafeString:
    """`{{ referral.status|status_tag }}`: a filter rather than an included template, as the queue draws one per
    row. Any other status (a draft) in grey, with its label as `get_status_display()` gives it."""
    colour, label = STATUS_TAGS.get(status, ("govuk-tag--grey", None))
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label or _STATUS_LABELS.get(status, status))


# `{{ referral.decision|outcome }}`: Referral.outcome_label from the decision's value.
register.filter("outcome", decision_outcome)
