from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Button
from django import forms


def submit_button(label: str) -> Button:
    return Button("submit", label, data_prevent_double_click="true")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A portal user, listed by name (or e-mail address when no name is recorded)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class AttendeeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """School contacts, listed with their school."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name}, {obj.school.name}"
