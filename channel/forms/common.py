"""What the panel forms share: the save button, long text fields and the not-in-the-future rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.layout import Button
from django import forms
from django.utils import timezone

SAVE = "Save"


def _not_future(value: date | None) -> date | None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError("The date must be today or in the past")
    return value


def _submit(label: str = SAVE) -> Button:
    return Button("submit", label, data_prevent_double_click="true")


def _text(label: str, *, required: bool = True, rows: int = 5, max_length: int = 10_000, message: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter the {label.lower()}"},
    )
