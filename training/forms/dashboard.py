"""The training dashboard's filters."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.utils import timezone

from core.forms import choice_field, govuk_date_field
from schools.models import Phase, School
from schools.selectors import school_ward_choices

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..selectors import DashboardScope


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


def dashboard_choice(params: Mapping[str, Any], *, scope: DashboardScope) -> tuple[DashboardForm, date, date, str, str]:
    """The dashboard's form and its choices: the "as at" date, the reach period's start, phase and ward."""
    # Every school's wards for the council's roles (a skip scan of the ward index); a DSL sees no ward choice.
    wards = school_ward_choices(schools=School.objects.all()) if scope.school_ids is None else []
    form = DashboardForm(params or None, wards=wards)
    on, start, phase, ward = timezone.localdate(), None, "", ""
    if form.is_valid():
        on = form.cleaned_data["on"] or on
        start = form.cleaned_data["start"]
        phase = form.cleaned_data["phase"]
        ward = form.cleaned_data["ward"]
    return form, on, start or academic_year_start(on), phase, ward
