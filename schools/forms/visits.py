from __future__ import annotations

from datetime import timedelta
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from core.forms import govuk_date_field, keep_one_of_token_and_version, model_choice_field, version_field
from core.idempotency import IdempotentFormMixin

from ..models import (
    MeetingKind,
    School,
    SupportTier,
    VisitKind,
    VisitPurpose,
)
from ..services.visits import NewAction
from .common import AttendeeChoiceField, PersonChoiceField, submit_button

ACTION_ROWS = 3
# Action rows shown open; those from this one on are folded under "Add more actions".
FOLDED_FROM = 3
ON_A_DATE = "date"
DUE_IN = {
    "1w": ("In a week", timedelta(days=7)),
    "2w": ("In 2 weeks", timedelta(days=14)),
    "4w": ("In 4 weeks", timedelta(days=28)),
}


class VisitForm(IdempotentFormMixin, forms.Form):
    """A visit, call or e-mail on one screen, quick to fill in on a phone: today's date and the school's tier are
    already chosen."""

    visited_on = govuk_date_field("Date")
    kind = forms.ChoiceField(label="Type of contact", choices=VisitKind.choices, widget=forms.RadioSelect)
    offer_level = forms.ChoiceField(label="Offer level", choices=SupportTier.choices, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label="Purpose", choices=VisitPurpose.choices)
    adviser = PersonChoiceField(label="Adviser", queryset=None, error_messages={"required": "Select the adviser"})
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    follow_up_on = govuk_date_field("Follow-up date (optional)", required=False)
    # Editing carries the version as well as the token: the token keeps a double click from adding the new
    # actions twice, the version refuses a save over someone else's newer one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        advisers: Any,
        owners: Any,
        submit_label: str = "Save visit",
        new_actions: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = new_actions
        model_choice_field(self, "adviser").queryset = advisers.distinct()
        action_parts = []
        today = timezone.localdate()
        when_choices = [(key, f"{label} ({(today + delta):%-d %B})") for key, (label, delta) in DUE_IN.items()]
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}_description"] = forms.CharField(
                label="What needs doing", max_length=300, required=False
            )
            # The owner is the adviser unless changed: most actions are the adviser's own.
            self.fields[f"action_{n}_owner"] = PersonChoiceField(
                label="Owner",
                queryset=owners,
                required=False,
                empty_label="Choose",
                initial=self.initial.get("adviser"),
            )
            # Due in a week, two or four, one tap; or a date typed into the GOV.UK date input below.
            self.fields[f"action_{n}_when"] = forms.ChoiceField(
                label="Due",
                choices=[*when_choices, (ON_A_DATE, "On another date (enter it below)")],
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"action_{n}_due"] = govuk_date_field("Another due date", required=False)
            action_parts.append(
                Fieldset(
                    Field.text(f"action_{n}_description"),
                    Field.select(f"action_{n}_owner"),
                    Field.radios(f"action_{n}_when", legend_size=Size.SMALL, small=True),
                    Field(f"action_{n}_due"),
                    legend=f"{'New action' if new_actions else 'Action'} {n} (optional)",
                    legend_size=Size.SMALL,
                    css_class="portal-visit-action",
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        more_open = (
            " open"
            if any(
                self.data.get(f"action_{n}_{part}")
                for n in range(FOLDED_FROM, ACTION_ROWS + 1)
                for part in ("description", "when", "due")
            )
            else ""
        )
        self.helper.layout = Layout(
            Field("visited_on"),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.radios("offer_level", legend_size=Size.SMALL, small=True),
            Field.select("purpose"),
            Field.select("adviser"),
            Field.textarea("notes"),
            *action_parts[: FOLDED_FROM - 1],
            # Most visits agree two actions or fewer: the others stay folded away until needed.
            HTML(
                f'<details class="govuk-details"{more_open}><summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">Add more actions</span></summary>'
                '<div class="govuk-details__text">'
            ),
            *action_parts[FOLDED_FROM - 1 :],
            HTML("</div></details>"),
            Field("follow_up_on"),
            Field("form_token"),
            Field("version"),
            submit_button(submit_label),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        visited = data.get("visited_on")
        if visited and visited > today:
            self.add_error("visited_on", "The date must be today or in the past")
        follow = data.get("follow_up_on")
        if visited and follow and follow < visited:
            self.add_error("follow_up_on", "The follow-up date must be on or after the date")
        for n in range(1, ACTION_ROWS + 1):
            text = (data.get(f"action_{n}_description") or "").strip()
            when, typed = data.get(f"action_{n}_when"), data.get(f"action_{n}_due")
            if when in DUE_IN:
                data[f"action_{n}_due"] = today + DUE_IN[when][1]
            elif when == ON_A_DATE and not typed and f"action_{n}_due" not in self.errors:
                self.add_error(f"action_{n}_due", f"Enter the due date of action {n}")
            if not text and (when or typed):
                self.add_error(f"action_{n}_description", f"Enter what action {n} is")
            if text and not data.get(f"action_{n}_owner"):
                self.add_error(f"action_{n}_owner", f"Select who owns action {n}")
            if text and not when and not typed and f"action_{n}_due" not in self.errors:
                self.add_error(f"action_{n}_when", f"Select when action {n} is due")
        return data

    def actions(self) -> list[NewAction]:
        made = []
        for n in range(1, ACTION_ROWS + 1):
            text = (self.cleaned_data.get(f"action_{n}_description") or "").strip()
            if text:
                made.append(
                    NewAction(
                        description=text,
                        owner=self.cleaned_data[f"action_{n}_owner"],
                        due_on=self.cleaned_data[f"action_{n}_due"],
                    )
                )
        return made


class ActionForm(forms.Form):
    """Changes an action agreed at a visit: what it is, who owns it, when it is due."""

    description = forms.CharField(
        label="What needs doing", max_length=300, error_messages={"required": "Enter what the action is"}
    )
    owner = PersonChoiceField(label="Owner", queryset=None, error_messages={"required": "Select the owner"})
    due_on = govuk_date_field("Due date")
    version = version_field()

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "owner").queryset = owners
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("description"),
            Field.select("owner"),
            Field("due_on"),
            Field("version"),
            submit_button("Save action"),
        )


class MeetingForm(IdempotentFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type", choices=MeetingKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    held_on = govuk_date_field("Date")
    venue = forms.CharField(label="Venue or online (optional)", max_length=200, required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attendees = AttendeeChoiceField(
        label="Designated safeguarding leads who attended", queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    add_urns = forms.CharField(
        label="Add the DSLs of these schools (optional)",
        help_text="URNs of schools whose DSL attended, separated by spaces, commas or new lines: their current DSLs "
        "and deputies are added.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = version_field()

    def __init__(
        self, *args: Any, contacts: Any, listed_all: bool = True, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        hidden = keep_one_of_token_and_version(self, editing=editing)
        model_choice_field(self, "attendees").queryset = contacts
        if not listed_all:
            # Too many DSLs to list as checkboxes: only those already recorded are listed, to untick.
            self.fields["attendees"].help_text = "Too many DSLs to list here: add them by school URN below."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field("held_on"),
            Field.text("venue", field_width=Fluid.TWO_THIRDS),
            Field.textarea("notes"),
            Field.checkboxes("attendees", legend_size=Size.SMALL, small=True),
            Field.textarea("add_urns"),
            *hidden,
            submit_button("Save meeting"),
        )

    def clean_add_urns(self) -> list[int]:
        raw = str(self.cleaned_data.get("add_urns") or "").replace(",", " ").split()
        bad = [r for r in raw if not r.isdigit()]
        if bad:
            raise forms.ValidationError(f"Enter URNs as numbers: {', '.join(bad[:5])} is not one")
        urns = sorted({int(r) for r in raw})
        known = set(School.objects.filter(urn__in=urns).values_list("urn", flat=True))
        unknown = [str(u) for u in urns if u not in known]
        if unknown:
            raise forms.ValidationError(f"No school has the URN {', '.join(unknown[:5])}")
        return urns
