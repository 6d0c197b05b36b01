"""A case's pages: stage moves, consent, assessment, support, notes, reviews and exit."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from accounts.models import User
from core.forms import govuk_date_field
from core.idempotency import IdempotentFormMixin

from ..models.assessments import Dimension, Rating, VafFactor
from ..models.cases import (
    CapacityOutcome,
    ConsentGiver,
    ConsentStatus,
    ContactFrequency,
    ExitOutcome,
    Stage,
    SupportKind,
)
from ..services.cases import MANUAL_MOVES
from .common import _not_future, _submit, _text


class StageForm(forms.Form):
    stage = forms.ChoiceField(
        label="Move the case to", widget=forms.RadioSelect, error_messages={"required": "Select a stage"}
    )
    note = _text("Note (optional)", required=False, rows=3)

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["stage"]).choices = [
            (s, Stage(s).label) for s in MANUAL_MOVES.get(current, ())
        ]
        self.fields["on"] = govuk_date_field("Date")
        self.fields["on"].clean = self._clean_on(self.fields["on"].clean)  # type: ignore[method-assign]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("stage", legend_size=Size.MEDIUM), Field("on"), Field.textarea("note"), _submit()
        )

    @staticmethod
    def _clean_on(inner: Any) -> Any:
        return lambda value: _not_future(inner(value))


class CaseUpdateForm(forms.Form):
    case_officer: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Case officer", queryset=None, required=False, empty_label="No case officer"
    )
    exit_proposed = forms.BooleanField(label="Propose exit at the next meeting", required=False)
    note = _text("Note for the chronology (optional)", required=False, rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["case_officer"]).queryset = officers
        self.fields["review_due_on"] = govuk_date_field(
            "Next panel review due",
            required=False,
            help_text="The case comes on the agenda of the first meeting on or after this date.",
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("case_officer"),
            Field("review_due_on"),
            Field.checkbox("exit_proposed"),
            Field.textarea("note"),
            Field("version"),
            _submit(),
        )


class ConsentForm(IdempotentFormMixin):
    giver = forms.ChoiceField(
        label="Whose consent", choices=ConsentGiver.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select whose consent this is"},
    )  # fmt: skip
    status = forms.ChoiceField(
        label="Answer", choices=ConsentStatus.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the answer"},
    )  # fmt: skip
    given_by_name = forms.CharField(
        label="Name of the parent or carer", required=False, max_length=150,
        help_text="Only for a parent's or carer's consent.",
    )  # fmt: skip
    notes = _text("How consent was explained and recorded (optional)", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = govuk_date_field("Date")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("giver", legend_size=Size.MEDIUM),
            Field.radios("status", legend_size=Size.MEDIUM, inline=True),
            Field.text("given_by_name", field_width=Fluid.TWO_THIRDS),
            Field("on"),
            Field.textarea("notes"),
            Field("form_token"),
            _submit(),
        )

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("giver") == ConsentGiver.PARENT and not (data.get("given_by_name") or "").strip():
            self.add_error("given_by_name", "Enter the name of the parent or carer")
        return data


RATING_CHOICES = [(str(v), label) for v, label in Rating.choices]


class AssessmentForm(IdempotentFormMixin):
    """Every factor in use, grouped by dimension: a rating and a short rationale each."""

    summary = _text("Summary (optional)", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.factors = list(VafFactor.objects.filter(is_active=True))
        self.fields["assessed_on"] = govuk_date_field("Date of the assessment")
        groups = []
        for value, label in Dimension.choices:
            names = []
            for factor in (f for f in self.factors if f.dimension == value):
                rating, rationale = f"rating_{factor.pk}", f"rationale_{factor.pk}"
                self.fields[rating] = forms.TypedChoiceField(
                    label=factor.label, choices=[("", "Choose a rating"), *RATING_CHOICES], coerce=int,
                    error_messages={"required": f"Rate '{factor.label}'"},
                )  # fmt: skip
                self.fields[rationale] = forms.CharField(
                    label=f"Rationale for '{factor.label}' (optional)", required=False, max_length=500
                )
                names += [Field.select(rating), Field.text(rationale)]
            groups.append(Fieldset(*names, legend=str(label), legend_size=Size.MEDIUM))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("assessed_on"), *groups, Field.textarea("summary"), Field("form_token"), _submit("Save assessment")
        )

    def clean_assessed_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("assessed_on"))

    def ratings(self) -> dict[int, tuple[int, str]]:
        return {
            f.pk: (self.cleaned_data[f"rating_{f.pk}"], self.cleaned_data.get(f"rationale_{f.pk}", ""))
            for f in self.factors
        }


class SupportItemForm(IdempotentFormMixin):
    kind = forms.ChoiceField(
        label="Kind of support", choices=SupportKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of support"},
    )  # fmt: skip
    provider = forms.CharField(
        label="Provider or service", max_length=200,
        help_text="For example, the Intervention Provider's organisation, CAMHS, a youth club.",
        error_messages={"required": "Enter the provider or service"},
    )  # fmt: skip
    description = _text("What the support is (optional)", required=False, rows=3)
    planned_frequency = forms.ChoiceField(
        label="Planned contacts", choices=ContactFrequency.choices, widget=forms.RadioSelect,
        initial=ContactFrequency.WEEKLY, help_text="For example, weekly mentoring sessions.",
        error_messages={"required": "Select how often contacts are planned"},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"] = govuk_date_field("Start date")
        self.fields["ends_on"] = govuk_date_field("End date (optional)", required=False)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.text("provider", field_width=Fluid.TWO_THIRDS),
            Field.textarea("description"),
            Field.radios("planned_frequency", legend_size=Size.SMALL),
            Field("starts_on"),
            Field("ends_on"),
            Field("form_token"),
            _submit("Add to the support plan"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class SupportItemChangeForm(forms.Form):
    description = _text("What the support is", required=False, rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ends_on"] = govuk_date_field(
            "End date", required=False, help_text="Leave blank if it has not ended."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.textarea("description"), Field("ends_on"), Field("version"), _submit())


class NoteForm(IdempotentFormMixin):
    text = _text("Note", message="Enter the note")

    def __init__(self, *args: Any, label: str = "Note", submit: str = "Add note", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["on"] = govuk_date_field("Date")
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("on"), Field.textarea("text"), Field("form_token"), _submit(submit))

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))


class SupportStartForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = govuk_date_field("Date support started")
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("on"), _submit("Record that support has started"))

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))


class ExitForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=ExitOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )  # fmt: skip
    notes = _text("Notes (needed for 'Other')", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = govuk_date_field("Date of exit")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field("on"),
            Field.textarea("notes"),
            _submit("Record exit"),
        )

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ExitOutcome.OTHER and not (data.get("notes") or "").strip():
            self.add_error("notes", "Say what the outcome was")
        return data


class ReviewForm(forms.Form):
    concerns_returned = forms.TypedChoiceField(
        label="Have the concerns returned?", choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect,
        coerce=lambda v: v == "yes", error_messages={"required": "Select whether the concerns have returned"},
    )  # fmt: skip
    notes = _text("Notes (optional)", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = govuk_date_field("Date of the review")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("concerns_returned", legend_size=Size.MEDIUM, inline=True),
            Field("on"),
            Field.textarea("notes"),
            _submit("Record review"),
        )

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))


class LegalHoldForm(IdempotentFormMixin):
    reason = forms.CharField(
        label="Why the case is held", max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: the claim, inquiry or complaint it is held for. Do not write case details here.",
        error_messages={"required": "Enter why the case is held"},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"] = govuk_date_field(
            "Hold until", help_text="The last day of the hold, for example 31 3 2031."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason"),
            Field("until"),
            Field("form_token"),
            _submit("Place the hold"),
        )

    def clean_until(self) -> date | None:
        value: date | None = self.cleaned_data.get("until")
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError("The hold must last until today or later")
        return value


class CapacityForm(IdempotentFormMixin):
    assessor = forms.CharField(
        label="Assessed by (name and role)", max_length=200,
        error_messages={"required": "Enter who assessed capacity"},
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label="Outcome", choices=CapacityOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )  # fmt: skip
    best_interests_decision = _text("Best-interests decision (where capacity is lacking)", required=False, rows=4)
    notes = _text("Notes (optional)", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"] = govuk_date_field("Date assessed")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("assessed_on"),
            Field.text("assessor", field_width=Fluid.TWO_THIRDS),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("best_interests_decision"),
            Field.textarea("notes"),
            Field("form_token"),
            _submit("Record capacity"),
        )

    def clean_assessed_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("assessed_on"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") == CapacityOutcome.LACKS_CAPACITY
            and not (data.get("best_interests_decision") or "").strip()
        ):
            self.add_error("best_interests_decision", "Enter the best-interests decision")
        return data


class ContactForm(IdempotentFormMixin):
    made_by = forms.CharField(
        label="By whom", max_length=150, help_text="The mentor, Intervention Provider or worker who made the contact.",
        error_messages={"required": "Enter who made the contact"},
    )  # fmt: skip
    note = _text("Note (optional)", required=False, rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"] = govuk_date_field("Date of the contact")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("on"),
            Field.text("made_by", field_width=Fluid.TWO_THIRDS),
            Field.textarea("note"),
            Field("form_token"),
            _submit("Record the contact"),
        )

    def clean_on(self) -> date | None:
        return _not_future(self.cleaned_data.get("on"))
