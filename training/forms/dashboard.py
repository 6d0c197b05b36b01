"""The training dashboard's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from core.forms import choice_field, govuk_date_field
from schools.models import Phase


class DashboardForm(forms.Form):
    """The dashboard's "as at" date and optional phase and ward; read from the query string."""

    on = govuk_date_field("As at", required=False)
    start = govuk_date_field("Reach from", required=False, help_text="For staff, pupils and parents reached.")
    phase = forms.ChoiceField(label="Phase", choices=[("", "All phases"), *Phase.choices], required=False)
    ward = forms.ChoiceField(label="Ward", choices=[("", "All wards")], required=False)

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "ward").choices = [("", "All wards"), *[(w, w) for w in wards]]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("on"),
            Field("start"),
            Field.select("phase"),
            Field.select("ward"),
            Button("submit", "Show figures", css_class="govuk-button--secondary"),
        )


def academic_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)
