"""Panel meetings: the meeting, its agenda, attendance, notes and actions."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fixed, Fluid, Layout, Size
from django import forms

from accounts.models import User
from core.forms import govuk_date_field
from core.idempotency import IdempotentFormMixin

from ..models.cases import Stage
from ..models.meetings import Attendance, Decision
from .common import _submit, _text


class MeetingForm(IdempotentFormMixin):
    starts_at = forms.TimeField(
        label="Start time (optional)", required=False, help_text="For example, 14:00",
        widget=forms.TimeInput(format="%H:%M"), error_messages={"invalid": "Enter a time like 14:00"},
    )  # fmt: skip
    location = forms.CharField(label="Place or video link name (optional)", max_length=200, required=False)
    months = forms.TypedChoiceField(
        label="How many meetings", coerce=int, initial=1,
        choices=[(1, "Just this one"), (3, "This and the next 2 months"), (6, "This and the next 5 months"), (12, "This and the next 11 months")],
        widget=forms.RadioSelect, help_text="Panels meet about monthly: later meetings fall on the same day of each month.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"] = govuk_date_field("Date of the meeting")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("held_on"),
            Field.text("starts_at", field_width=Fixed.FIVE),
            Field.text("location", field_width=Fluid.TWO_THIRDS),
            Field.radios("months", legend_size=Size.SMALL),
            Field("form_token"),
            _submit("Schedule"),
        )


class AgendaForm(forms.Form):
    cases = forms.MultipleChoiceField(
        label="Cases to put on the agenda", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one case"},
    )  # fmt: skip

    def __init__(self, *args: Any, due: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["cases"]).choices = [(pk, label) for pk, label, _ in due]
        self.fields["cases"].initial = [pk for pk, _, _ in due]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("cases", legend_size=Size.MEDIUM, small=True), _submit("Add to agenda")
        )


class AttendanceForm(forms.Form):
    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_ids: list[int] = []
        fields = []
        for row in rows:
            membership = row["membership"]
            name = f"user_{membership.user_id}"
            label = f"{membership.user.full_name} ({membership.agency or membership.get_role_display()})"
            self.fields[name] = forms.ChoiceField(
                label=label, choices=Attendance.choices, widget=forms.RadioSelect,
                initial=row["attendance"].status if row["attendance"] else None,
                error_messages={"required": f"Select whether {membership.user.full_name} attended"},
            )  # fmt: skip
            self.user_ids.append(membership.user_id)
            fields.append(Field.radios(name, legend_size=Size.SMALL, inline=True, small=True))
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, _submit("Save attendance"))

    def statuses(self) -> dict[int, str]:
        return {uid: self.cleaned_data[f"user_{uid}"] for uid in self.user_ids}


class AgendaItemForm(forms.Form):
    minutes = _text("Minutes for this case", required=False, rows=6)
    decision = forms.ChoiceField(
        label="The panel's decision, reached by consensus", widget=forms.RadioSelect,
        error_messages={"required": "Select the panel's decision"},
    )  # fmt: skip
    decision_notes = _text("Reasons for the decision", required=False, rows=3)

    def __init__(self, *args: Any, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if stage in (Stage.ADOPTED, Stage.SUPPORT):
            allowed = [Decision.CONTINUE, Decision.EXIT, Decision.DEFER]
        else:
            allowed = [Decision.ADOPT, Decision.NOT_ADOPT, Decision.MORE_INFORMATION, Decision.DEFER]
        cast(forms.ChoiceField, self.fields["decision"]).choices = [(d.value, d.label) for d in allowed]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("minutes"),
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("decision_notes"),
            _submit("Record decision"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.NOT_ADOPT and not (data.get("decision_notes") or "").strip():
            self.add_error("decision_notes", "Enter the reason the case was not adopted")
        return data


class MeetingNotesForm(forms.Form):
    notes = _text("General minutes", required=False, rows=8)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("notes"), Field("version"), _submit("Save minutes"))


class ActionForm(IdempotentFormMixin):
    """Adds an action (a one-time token: a double submit adds one) or, with `editing`, changes one (its version
    refuses a stale save)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    description = forms.CharField(label="Action", max_length=500, error_messages={"required": "Enter the action"})
    owner: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Owner", queryset=None, error_messages={"required": "Select the owner"}
    )
    case = forms.ChoiceField(label="Case (optional)", required=False)

    def __init__(
        self, *args: Any, owners: Any, cases: list[tuple[int, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("form_token", "case") if editing else ("version",):
            del self.fields[name]
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        if not editing:
            cast(forms.ChoiceField, self.fields["case"]).choices = [("", "Not about one case"), *cases]
        self.fields["due_on"] = govuk_date_field("Due date")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("description"),
            Field.select("owner"),
            *([] if editing else [Field.select("case")]),
            Field("due_on"),
            Field("version" if editing else "form_token"),
            _submit("Save" if editing else "Add action"),
        )
