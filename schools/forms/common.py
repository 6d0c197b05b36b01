from __future__ import annotations

from crispy_forms_gds.layout import Button


def submit_button(label: str) -> Button:
    return Button("submit", label, data_prevent_double_click="true")
