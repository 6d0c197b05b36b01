"""The GOV.UK error pattern, once for every form: "Error: " before the page title when a submitted form in the
context has errors, and error summary links that land on an input that exists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django_filters import FilterSet

from core.finding import CHOICE_SUFFIX, FindOneWidget

register = template.Library()

# crispy-forms-gds gives the fieldset of a radio or checkbox group no id and numbers its inputs from 1
# (gds/layout/radio_item.html, gds/layout/checkboxes.html), so a summary link to the field's own id goes nowhere.
CHOICE_GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _has_errors(value: Any) -> bool:
    # type(), not isinstance(): isinstance reads __class__, which would evaluate lazy context values such as
    # csrf_token (setting a CSRF cookie on pages that show no form).
    kind = type(value)
    if issubclass(kind, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and not value.is_valid()
    if issubclass(kind, FilterSet):
        return value.is_bound and bool(value.form.errors)
    return False


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    """ "Error: " when any bound form, formset or filter form the page was given has errors. A page whose summary
    lists checks rather than form fields overrides base.html's `error_prefix` block instead."""
    values = context.flatten().values()
    return "Error: " if any(_has_errors(value) for value in values) else ""


def first_input_id(bound_field: forms.BoundField) -> str:
    """The id of the input a summary link for this field should focus: the first of a radio or checkbox group."""
    if isinstance(bound_field.field.widget, CHOICE_GROUP_WIDGETS):
        return f"id_{bound_field.html_name}_1"
    if isinstance(bound_field.field.widget, FindOneWidget) and bound_field.field.widget.candidates:
        return f"id_{bound_field.html_name}{CHOICE_SUFFIX}_1"  # several matched: the first to choose from
    if isinstance(bound_field.field.widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return str(bound_field.auto_id)


@register.filter
def summary_errors(bound_field: forms.BoundField) -> Iterable[tuple[str, list[str]]]:
    """(target id, messages) pairs for one field's summary entries, each id naming an input on the page. A date's
    part-by-part messages (core.forms.govuk_date_field puts them on each part's widget) link to that part."""
    entries: dict[str, list[str]] = {}
    seen: list[str] = []
    for index, part in enumerate(getattr(bound_field.field, "fields", ())):
        part_errors = [str(message) for message in getattr(part.widget, "errors", [])]
        if part_errors:
            entries[f"{bound_field.auto_id}_{index}"] = part_errors
            seen.extend(part_errors)
    rest = [str(message) for message in bound_field.errors if str(message) not in seen]
    if rest:
        entries.setdefault(first_input_id(bound_field), []).extend(rest)
    return entries.items()


@register.filter
def summary_target(form: forms.BaseForm) -> str:
    """Where a form-wide error's summary link points: the form's first input."""
    fields = form.visible_fields()
    return first_input_id(fields[0]) if fields else ""
