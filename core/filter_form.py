"""A list's search and filter form in GOV.UK Design System markup, written straight from the form's bound fields.

Every list page draws its filter form on every request. Through crispy-forms each field was a handful of nested
templates and each select option a widget template of its own: on the schools list half the page's rendering time.
This renderer writes the same markup from Python: a row of grid columns, each with a form group holding the
label, the hint, the error messages and the text box or select, as GOV.UK Frontend's text input and select
components do (the hint's and the errors' ids in `aria-describedby`, `aria-invalid` on a field in error), the
hidden sort, and the Filter button.

It draws text boxes (any single-value `<input>`), selects and hidden inputs, the only widgets a filter form
has; any other widget raises TypeError rather than being drawn wrongly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms import BoundField
from django.forms.widgets import Input
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    """` name="value"` pairs, escaped; True is a bare attribute, None and False are left out."""
    parts = []
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{escape(value)}"')
    return "".join(parts)


def _classes(base: str, widget: forms.Widget, error: str | None) -> str:
    names = base.split()
    names += [name for name in str(widget.attrs.get("class", "")).split() if name not in names]
    if error:
        names.append(error)
    return " ".join(names)


def _widget_attrs(bound: BoundField, described_by: list[str], css: str) -> dict[str, Any]:
    extra = {k: v for k, v in bound.field.widget.attrs.items() if k not in ("class", "aria-describedby")}
    return {
        "name": bound.html_name,
        **extra,
        "class": css,
        "aria-describedby": " ".join(described_by) or None,
        "aria-invalid": "true" if bound.errors else None,
        "id": bound.auto_id,
    }


def _options(choices: Iterable[Any], selected: set[str]) -> list[str]:
    html = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # a group of options
            inner = "".join(_options(label, selected))
            html.append(f'<optgroup label="{escape(value)}">{inner}</optgroup>')
            continue
        key = "" if value is None else str(value)
        chosen = " selected" if key in selected else ""
        html.append(f'<option value="{escape(key)}"{chosen}>{conditional_escape(label)}</option>')
    return html


def _choices(field: forms.Field) -> Iterable[Any]:
    """A select's choices. A model choice field's rows in one plain query: its own iterator reads them through a
    server-side cursor on PostgreSQL, three round trips (DECLARE, FETCH, CLOSE) for a list of a dozen rows."""
    if isinstance(field, forms.ModelChoiceField):
        rows = [(field.prepare_value(row), field.label_from_instance(row)) for row in field.queryset]  # type: ignore[union-attr]  # a queryset by now
        return [("", field.empty_label), *rows] if field.empty_label is not None else rows
    return field.choices  # type: ignore[attr-defined,no-any-return]  # a ChoiceField


def _control(bound: BoundField, described_by: list[str]) -> str:
    widget = bound.field.widget
    value = bound.value()
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        css = _classes("govuk-select", widget, "govuk-select--error" if bound.errors else None)
        selected = set(widget.format_value(value))
        options = "".join(_options(_choices(bound.field), selected))
        return f"<select{_attrs(_widget_attrs(bound, described_by, css))}>{options}</select>"
    if isinstance(widget, Input) and not isinstance(widget, forms.FileInput | forms.CheckboxInput):
        css = _classes("govuk-input", widget, "govuk-input--error" if bound.errors else None)
        attrs = {"type": widget.input_type, **_widget_attrs(bound, described_by, css)}
        attrs["value"] = widget.format_value(value)
        return f"<input{_attrs(attrs)}>"
    raise TypeError(f"the filter form draws text boxes and selects, not {type(widget).__name__} ({bound.name})")


def _field(bound: BoundField) -> str:
    if bound.is_hidden:
        value = bound.field.widget.format_value(bound.value())
        return f"<input{_attrs({'type': 'hidden', 'name': bound.html_name, 'value': value, 'id': bound.auto_id})}>"
    described_by = []
    # Labels and hints are the code's own text, written as HTML (as Django's and crispy-forms' templates take
    # them); values and choices are escaped.
    parts = [f'<label for="{escape(bound.id_for_label)}" class="govuk-label">{bound.label}</label>']
    if bound.help_text:
        hint_id = f"{bound.auto_id}_hint"
        described_by.append(hint_id)
        parts.append(f'<div id="{escape(hint_id)}" class="govuk-hint">{bound.help_text}</div>')
    for number, error in enumerate(bound.errors, start=1):
        error_id = f"{bound.auto_id}_{number}_error"
        described_by.append(error_id)
        parts.append(
            f'<p id="{escape(error_id)}" class="govuk-error-message">'
            f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(str(error))}</p>'
        )
    parts.append(_control(bound, described_by))
    group = "govuk-form-group govuk-form-group--error" if bound.errors else "govuk-form-group"
    return f'<div id="div_{escape(bound.auto_id)}" class="{group}">{"".join(parts)}</div>'


def render_filter_form(form: forms.Form, *, columns: str) -> SafeString:
    """The GET form: each field in a `govuk-grid-column-<columns>`, in the form's order, then the Filter button."""
    fields = [*form.visible_fields(), *form.hidden_fields()]  # the hidden sort last, after the filters
    cells = "".join(f'<div class="govuk-grid-column-{columns}">{_field(bound)}</div>' for bound in fields)
    return mark_safe(  # noqa: S308  # every value above is escaped
        f'<form method="get"><div class="govuk-grid-row">{cells}</div>'
        '<button name="filter" class="govuk-button govuk-button--secondary" id="id_filter"'
        ' data-module="govuk-button">Filter</button></form>'
    )
