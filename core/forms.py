"""Form pieces every app shares."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms


class RealDateField(DateInputField):
    """GOV.UK's day-month-year date input. An impossible date (31 2 2012) or a huge year gets the GOV.UK
    wording instead of Python's "month must be in 1..12" or an OverflowError (a 500)."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except forms.ValidationError as error:
            # Letters in a part ("Enter a valid month") become one message about the date, as GOV.UK asks.
            if any(getattr(e, "code", None) == "invalid" for e in error.error_list):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
            raise

    def compress(self, data_list: Any) -> Any:
        try:
            return super().compress(data_list)
        except (forms.ValidationError, OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def govuk_date_field(label: str, *, required: bool = True, help_text: str = "", what: str = "") -> RealDateField:
    """A date field with GOV.UK error messages: "Enter the date of the visit", "... must be a real date"."""
    name = label.split(" (")[0]
    field = RealDateField(label=label, required=required, help_text=help_text, require_all_fields=False)
    field.error_messages["invalid"] = f"{name} must be a real date"
    field.error_messages["required"] = f"Enter {what or 'the ' + label.lower()}"
    field.error_messages["incomplete"] = f"{name} must include a day, month and year"
    return field
