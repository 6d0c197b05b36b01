"""Transferring a case out to another local authority, and opening a case transferred in."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from core.forms import govuk_date_field
from core.idempotency import IdempotentFormMixin
from referrals.models import Gender

from ..models.panels import Panel
from ..services.transfers import TransferDetails
from .common import _not_future, _submit, _text


def _line(label: str, *, required: bool = True, max_length: int = 150, message: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"required": message or f"Enter the {label.lower()}"},
    )


class _TransferFields(forms.Form):
    """The other council, its contact, the date and the reason: the same on the way out and the way in."""

    council = _line("Local authority", max_length=200, message="Enter the other local authority")
    contact_name = _line("Contact's name", message="Enter the name of the contact there")
    contact_email = forms.EmailField(
        label="Contact's email address", required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.gov.uk"},
    )  # fmt: skip
    contact_phone = _line("Contact's telephone number", required=False, max_length=40)
    reason = _text("Reason for the transfer", rows=4, message="Enter the reason for the transfer")

    def __init__(self, *args: Any, date_label: str = "Date of transfer", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = govuk_date_field(date_label)

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_contact = not (data.get("contact_email") or "").strip() and not (data.get("contact_phone") or "").strip()
        if no_contact and "contact_email" not in self.errors:
            self.add_error("contact_email", "Enter the contact's email address or telephone number")
        return data

    def details(self) -> TransferDetails:
        data = self.cleaned_data
        return TransferDetails(
            council=data["council"], contact_name=data["contact_name"], contact_email=data["contact_email"] or "",
            contact_phone=data["contact_phone"] or "", on=data["on"], reason=data["reason"],
            their_reference=data.get("their_reference") or "",
        )  # fmt: skip

    def _contact_fields(self) -> list[Any]:
        return [
            Field.text("contact_name"),
            Field.text("contact_email", field_width=20),
            Field.text("contact_phone", field_width=20),
        ]


class TransferOutForm(_TransferFields):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].label = "Receiving local authority"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("council"),
            Fieldset(*self._contact_fields(), legend="Contact at the receiving council", legend_size=Size.SMALL),
            Field("on"),
            Field.textarea("reason"),
            "version",
            _submit("Transfer the case"),
        )


class TransferInForm(IdempotentFormMixin, _TransferFields):
    first_name = _line("First name", max_length=100, message="Enter the person's first name")
    last_name = _line("Last name", max_length=100, message="Enter the person's last name")
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the person's gender"},
    )  # fmt: skip
    their_reference = _line("Their case reference", required=False, max_length=60)
    panel = forms.ModelChoiceField(
        label="Panel here", queryset=Panel.objects.none(), empty_label=None,
        error_messages={"required": "Select the panel that takes the case"},
    )  # fmt: skip

    def __init__(self, *args: Any, panels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].label = "Sending local authority"
        self.fields["date_of_birth"] = govuk_date_field("Date of birth", required=False)
        self.fields["panel"].queryset = panels  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                Field.text("first_name", field_width=20), Field.text("last_name", field_width=20),
                Field("date_of_birth"), Field.radios("gender", legend_size=Size.SMALL, inline=True),
                legend="The person", legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("council"), Field.text("their_reference", field_width=20), *self._contact_fields(),
                Field("on"), Field.textarea("reason"), legend="Where the case comes from", legend_size=Size.MEDIUM,
            ),
            Field.select("panel"),
            "form_token",
            _submit("Open the case"),
        )  # fmt: skip

    def clean_date_of_birth(self) -> date | None:
        return _not_future(self.cleaned_data.get("date_of_birth"))
