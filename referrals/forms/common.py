"""The pieces the referral forms share: text and radio fields with GOV.UK messages, the version a save is checked against."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Button, Div
from django import forms

from ..models import (
    TEXT_LIMIT,
)

SHORT_TEXT = 5_000


def _text(label: str, *, limit: int = 150, required: bool = True, what: str = "", **kwargs: Any) -> forms.CharField:
    what = what or label.lower()
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{label.split(' (')[0]} must be {limit:,} characters or fewer",
            "null_characters_not_allowed": f"{label.split(' (')[0]} must not contain null characters",
        },
        **kwargs,
    )


def _long_text(label: str, *, limit: int = TEXT_LIMIT, required: bool = True, what: str = "", **kwargs: Any) -> Any:
    return _text(label, limit=limit, required=required, what=what, widget=forms.Textarea, **kwargs)


def _radios(label: str, choices: Any, *, what: str, required: bool = True, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[(v, lbl) for v, lbl in choices if v != ""],
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": f"Select {what}", "invalid_choice": f"Select {what}"},
        **kwargs,
    )


class VersionedForm(forms.Form):
    """Carries the version of the record the page was built from; a refused save moves it on
    (core.locking.stale_edit_show_on_form), so a deliberate second save goes through."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _buttons(*, draft: bool, label: str = "Save and continue") -> Div:
    parts = [Button("submit", label, data_prevent_double_click="true")]
    if draft:
        parts.append(Button.secondary("draft", "Save as draft", data_prevent_double_click="true"))
    return Div(*parts, css_class="govuk-button-group")
