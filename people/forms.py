"""The match answer and the family link forms."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from core.idempotency import IdempotentFormMixin

from .models import Relationship


class MatchAnswerForm(forms.Form):
    """One button per candidate: confirm or reject. The candidate is checked against the proposals by the service."""

    candidate = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.ChoiceField(choices=[("confirm", "Confirm"), ("reject", "Reject")], widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()  # the page draws one small form per candidate; this one carries the errors
        self.helper.form_tag = False


class LinkForm(IdempotentFormMixin):
    reference = forms.CharField(
        label="Reference of the other person's referral",
        help_text="For example, NB-2026-00042. The link shows only to people who may see both referrals.",
        max_length=20,
        error_messages={"required": "Enter the reference of the other person's referral"},
    )
    relationship = forms.ChoiceField(
        label="The other person is this person's",
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they are related", "invalid_choice": "Select how they are related"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("reference", field_width=10),
            Field.radios("relationship", legend_size=Size.SMALL),
            "form_token",
            Button("submit", "Link these people", data_prevent_double_click="true"),
        )
