"""The lists referrals are answered from, and the council's routing, edited by coordinators."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout
from django import forms

from channel.models.panels import Panel
from core.idempotency import IdempotentFormMixin

from .common import VersionedForm, _text


class ListItemForm(VersionedForm, IdempotentFormMixin):
    """Adds a row (its one-time token makes a double submit add one) or changes one (its version refuses a stale
    save); the view drops the field the page does not need."""

    label = _text("Wording", limit=200, what="the wording")
    hint = _text("Hint (optional)", limit=500, required=False)
    order = forms.IntegerField(
        label="Position in the list", min_value=0, max_value=100000, initial=100, widget=forms.TextInput,
        error_messages={"required": "Enter a position, like 10", "invalid": "Position must be a number, like 10"},
    )  # fmt: skip
    is_active = forms.BooleanField(label="In use (offered on new referrals)", required=False, initial=True)
    escalates = forms.BooleanField(
        label="A 'Yes' escalates: no further action or signposting then needs a rationale and a second "
        "coordinator's confirmation",
        required=False,
    )

    def __init__(self, *args: Any, creating: bool, escalation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kept = "form_token" if creating else "version"
        del self.fields["version" if creating else "form_token"]
        if not escalation:
            del self.fields["escalates"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("label", field_width=Fluid.FULL),
            Field.text("hint", field_width=Fluid.FULL),
            Field.text("order", field_width=Fixed.FIVE, inputmode="numeric"),
            Field.checkbox("is_active"),
            *([Field.checkbox("escalates")] if escalation else []),
            kept,  # the layout names only the field the form has: crispy-forms fails on a missing one under DEBUG
            Button("submit", "Save", data_prevent_double_click="true"),
        )


class RoutingForm(VersionedForm):
    under_18_panel: forms.ModelChoiceField[Panel] = forms.ModelChoiceField(
        label="Panel for under 18s", queryset=None, required=False, empty_label="Not set (Social Inclusion or Channel)"
    )
    adult_panel: forms.ModelChoiceField[Panel] = forms.ModelChoiceField(
        label="Panel for adults", queryset=None, required=False, empty_label="Not set (Safeguarding Adults or Channel)"
    )
    triage_target_days = forms.IntegerField(
        label="Triage target in days",
        widget=forms.TextInput,
        min_value=1,
        max_value=90,
        help_text="A referral still open this many days after it was made shows as overdue.",
        error_messages={
            "required": "Enter the triage target in days",
            "invalid": "Triage target must be a number, like 5",
            "min_value": "Triage target must be 1 day or more",
            "max_value": "Triage target must be 90 days or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("under_18_panel", "adult_panel"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = Panel.objects.filter(is_active=True).order_by(
                "name"
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("under_18_panel"), Field.select("adult_panel"),
            Field.text("triage_target_days", field_width=Fixed.THREE, inputmode="numeric"), "version",
            Button("submit", "Save", data_prevent_double_click="true"),
        )  # fmt: skip
