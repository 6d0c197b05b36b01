"""The triage pages: assign, screening answers, notes and the decision."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from accounts.models import Membership, Team, User
from accounts.roles import Role
from core.idempotency import IdempotentFormMixin

from ..models import (
    EventKind,
    ScreeningAnswer,
    ScreeningQuestion,
    SignpostService,
    YesNoUnknown,
)
from ..services.triage import DecisionChoice
from .common import SHORT_TEXT, VersionedForm, _long_text, _radios


class AssignForm(VersionedForm):
    # Named as the referral's fields, so a refused save can show what someone else saved in them.
    assigned_team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team (the Prevent team)"
    )
    assigned_to = forms.ModelChoiceField(
        label="Person (optional)", queryset=User.objects.none(), required=False, empty_label="Anyone in the team"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["assigned_team"]).queryset = Team.objects.order_by("name")
        people = Membership.objects.current().filter(role__in=[Role.CSC_PRACTITIONER, Role.COORDINATOR])
        cast(forms.ModelChoiceField, self.fields["assigned_to"]).queryset = User.objects.filter(
            is_active=True, pk__in=people.values("user_id")
        ).order_by("full_name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("assigned_team"), Field.select("assigned_to"), "version",
            Button("submit", "Assign", data_prevent_double_click="true"),
        )  # fmt: skip


class ScreeningForm(VersionedForm):
    """The CSC screening tool: one set of radios and a comment per active question (and any question already
    answered, even if switched off since)."""

    def __init__(
        self,
        *args: Any,
        questions: list[ScreeningQuestion],
        answers: Mapping[int | None, ScreeningAnswer],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        layout: list[Any] = []
        for question in questions:
            answered = answers.get(question.pk)
            a_name, c_name = f"q{question.pk}_answer", f"q{question.pk}_comment"
            self.fields[a_name] = forms.ChoiceField(
                label=answered.question_text if answered else question.label,
                help_text=question.hint,
                choices=YesNoUnknown.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=answered.answer if answered else None,
                error_messages={"invalid_choice": "Select Yes, No or Not known"},
            )
            self.fields[c_name] = _long_text(
                "Comment (optional)", limit=SHORT_TEXT, required=False, initial=answered.comment if answered else ""
            )
            layout += [Field.radios(a_name, legend_size=Size.SMALL, inline=True), Field.textarea(c_name, rows=2)]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *layout, "version", Button("submit", "Save screening answers", data_prevent_double_click="true")
        )

    def answers(self) -> list[tuple[ScreeningQuestion, str, str]]:
        return [
            (q, self.cleaned_data.get(f"q{q.pk}_answer") or "", self.cleaned_data.get(f"q{q.pk}_comment") or "")
            for q in self.questions
        ]


class NoteForm(IdempotentFormMixin):
    kind = _radios(
        "What is this note?",
        [
            (EventKind.INFORMATION.value, "Information gathered"),
            (EventKind.INFORMATION_REQUESTED.value, "Information requested from another agency"),
            (EventKind.NOTE.value, "Another note"),
        ],
        what="what this note is",
    )
    text = _long_text("Note", what="the note")
    amends = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "kind"
        ].help_text = (
            "Asking another agency for information puts the referral in 'Awaiting information' until you record it."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.textarea("text", rows=6),
            "amends",
            "form_token",
            Button("submit", "Add note", data_prevent_double_click="true"),
        )


class DecisionForm(VersionedForm):
    """The decision; posted once to reach the check page ("You are about to record ..."), then again from it."""

    # Named as the referral's fields, so a refused save can show the decision someone else recorded.
    decision = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect, error_messages={"required": "Select the decision"}
    )
    services = forms.ModelMultipleChoiceField(
        label="Services signposted to (if signposted)",
        queryset=SignpostService.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select services from the list",
            "invalid_pk_value": "Select services from the list",
        },
    )
    decision_notes = _long_text(
        "Reasons for the decision",
        what="the reasons for the decision",
        help_text="Where a screening answer escalates (for example a risk of imminent harm), this is the written "
        "rationale a second coordinator reads before confirming no further action or signposting.",
    )
    unscreened_reason = _long_text(
        "Reason for deciding without the full screening (only if screening questions are not answered)",
        required=False,
        what="the reason for deciding without the full screening",
    )

    def __init__(self, *args: Any, unscreened: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not unscreened:
            del self.fields["unscreened_reason"]
        cast(forms.ChoiceField, self.fields["decision"]).choices = DecisionChoice.choices
        cast(forms.ModelChoiceField, self.fields["services"]).queryset = SignpostService.objects.filter(
            is_active=True
        ).order_by("order", "label")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.checkboxes("services", legend_size=Size.SMALL, small=True),
            Field.textarea("decision_notes", rows=5),
            *([Field.textarea("unscreened_reason", rows=3)] if unscreened else []),
            "version",
            Button("submit", "Continue", data_prevent_double_click="true"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "signposted" and not data.get("services") and "services" not in self.errors:
            self.add_error("services", "Select the services the person is signposted to")
        return data


class SendBackForm(VersionedForm):
    """The second coordinator's answer to a proposed decision: confirm it, or send it back with a reason."""

    reason = _long_text(
        "If you do not confirm it, why not",
        required=False,
        what="why the decision is sent back",
        help_text="Only needed to send the decision back: the referral returns to screening.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.textarea("reason", rows=3), "version")
