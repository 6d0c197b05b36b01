from __future__ import annotations

import pytest
from django import forms

from core.forms import govuk_date_field


class DateForm(forms.Form):
    when = govuk_date_field("Date of the visit")


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "2", "2012"), ("1", "13", "2020"), ("1", "1", "99999999999999999999"), ("x", "y", "z")],
)
def test_an_impossible_date_is_a_form_error_not_a_crash(day, month, year):
    form = DateForm({"when_0": day, "when_1": month, "when_2": year})
    assert not form.is_valid()
    assert form.errors["when"] == ["Date of the visit must be a real date"]


def test_a_real_date_is_accepted():
    form = DateForm({"when_0": "29", "when_1": "2", "when_2": "2024"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["when"].isoformat() == "2024-02-29"


def test_a_missing_date_says_what_to_enter():
    form = DateForm({"when_0": "", "when_1": "", "when_2": ""})
    assert not form.is_valid()
    assert form.errors["when"] == ["Enter the date of the visit"]
