from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from core.forms import govuk_date_field, keep_one_of_token_and_version, version_field
from core.idempotency import IdempotentFormMixin
from core.locking import StaleEdit, stale_edit_show_on_form

from .models import (
    ChecklistConfirmation,
    ChecklistItem,
    Contact,
    ContactRole,
    Institution,
    MeetingKind,
    RRSALevel,
    SupportTier,
    VisitKind,
    VisitPurpose,
)

ACTION_ROWS = 3


def _submit(label: str) -> Button:
    return Button("submit", label, data_prevent_double_click="true")


class SchoolForm(forms.Form):
    """The council's own fields of a school (never overwritten by a GIAS import)."""

    support_tier = forms.ChoiceField(label="Support tier", choices=SupportTier.choices)
    rrsa_level = forms.ChoiceField(label="Rights Respecting Schools Award", choices=RRSALevel.choices, required=False)
    rrsa_achieved_on = govuk_date_field(
        "Date the new RRSA level was reached",
        required=False,
        help_text="Only when the level changes. Leave empty for today.",
    )
    ofsted_notes = forms.CharField(label="Ofsted notes", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("support_tier", legend_size=Size.SMALL, inline=True),
            Field.select("rrsa_level"),
            Field("rrsa_achieved_on"),
            Field.textarea("ofsted_notes"),
            Field.textarea("notes"),
            Field("version"),
            _submit("Save"),
        )


class ContactForm(IdempotentFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Contact
        fields = ["full_name", "role", "email", "phone", "is_prevent_spoc", "is_current"]
        labels = {
            "full_name": "Full name",
            "role": "Role at the school",
            "email": "Email address (optional)",
            "phone": "Phone (optional)",
            "is_prevent_spoc": "This person is the school's Prevent single point of contact",
            "is_current": "Still at the school",
        }
        error_messages = {
            "full_name": {"required": "Enter the person's full name"},
            "role": {"required": "Select the person's role"},
            "email": {"invalid": "Enter an email address in the correct format, like name@example.sch.uk"},
        }

    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        hidden = keep_one_of_token_and_version(self, editing=self.instance.pk is not None)
        self.fields["role"].choices = ContactRole.choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("email", field_width=Fluid.TWO_THIRDS, spellcheck="false", autocomplete="off"),
            Field.text("phone", field_width=Fluid.ONE_THIRD, autocomplete="off"),
            Field.checkbox("is_prevent_spoc"),
            Field.checkbox("is_current"),
            *hidden,
            _submit("Save contact"),
        )


class ChecklistForm(forms.Form):
    """One set of fields per Prevent duty checklist item: in place or not, confirm today, a short note."""

    # The school's version: the checklist's rows may not exist yet, so the school guards them (checklist_confirm).
    version = version_field()

    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parts: list[Any] = []
        for value, label in ChecklistItem.choices:
            row = current.get(value)
            self.fields[f"{value}__in_place"] = forms.ChoiceField(
                label="Is it in place?",
                choices=[("yes", "In place"), ("no", "Not in place")],
                widget=forms.RadioSelect,
                initial=("yes" if row.in_place else "no") if row else None,
                error_messages={"required": f"Select whether this is in place: {label.lower()}"},
            )
            self.fields[f"{value}__confirm"] = forms.BooleanField(
                label="I have checked this today", required=False, initial=False
            )
            self.fields[f"{value}__note"] = forms.CharField(
                label="Note (optional)", max_length=500, required=False, initial=row.note if row else ""
            )
            last = (
                f"Last confirmed {row.confirmed_on:%-d %B %Y}"
                + (f" by {row.confirmed_by.full_name}" if row.confirmed_by else "")
                if row and row.confirmed_on
                else "Never confirmed"
            )
            parts.append(
                Fieldset(
                    HTML(f'<p class="govuk-hint">{escape(last)}</p>'),
                    Field.radios(f"{value}__in_place", inline=True, small=True),
                    Field.checkbox(f"{value}__confirm", small=True),
                    Field.text(f"{value}__note", field_width=Fluid.TWO_THIRDS),
                    legend=label,
                    legend_size=Size.SMALL,
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*parts, Field("version"), _submit("Save checklist"))

    def show_stale_edit(self, error: StaleEdit) -> None:
        """The shared stale-edit summary, with their newer answers item by item (the school's own fields, which
        the shared list would show, are not what this page edits)."""
        stale_edit_show_on_form(self, error)
        if error.current is None:
            return
        rows = {c.item: c for c in ChecklistConfirmation.objects.filter(school_id=error.current.pk)}
        newer = [
            (label, f"{'In place' if rows[value].in_place else 'Not in place'}. {rows[value].note}".strip())
            for value, label in ChecklistItem.choices
            if value in rows
        ]
        self.stale_values = newer
        self.helper.layout[0] = HTML(render_to_string("includes/stale_edit.html", {"newer": newer}))

    def answers(self) -> list[Any]:
        from .services.schools import ChecklistAnswer

        return [
            ChecklistAnswer(
                item=value,
                in_place=self.cleaned_data[f"{value}__in_place"] == "yes",
                confirm=bool(self.cleaned_data[f"{value}__confirm"]),
                note=self.cleaned_data[f"{value}__note"].strip(),
            )
            for value in ChecklistItem.values
        ]


class VisitForm(IdempotentFormMixin, forms.Form):
    """A visit, call or e-mail on one screen, quick to fill in on a phone: today's date and the school's tier are
    already chosen."""

    visited_on = govuk_date_field("Date")
    kind = forms.ChoiceField(label="Type of contact", choices=VisitKind.choices, widget=forms.RadioSelect)
    offer_level = forms.ChoiceField(label="Offer level", choices=SupportTier.choices, widget=forms.RadioSelect)
    purpose = forms.ChoiceField(label="Purpose", choices=VisitPurpose.choices)
    adviser = forms.ModelChoiceField(label="Adviser", queryset=None, error_messages={"required": "Select the adviser"})
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
        self.fields["adviser"].queryset = advisers.distinct()
        self.fields["adviser"].label_from_instance = lambda u: u.full_name or u.email
        action_parts = []
        for n in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{n}_description"] = forms.CharField(
                label="What needs doing", max_length=300, required=False
            )
            owner = forms.ModelChoiceField(label="Owner", queryset=owners, required=False, empty_label="Choose")
            owner.label_from_instance = lambda u: u.full_name or u.email  # type: ignore[method-assign]
            self.fields[f"action_{n}_owner"] = owner
            self.fields[f"action_{n}_due"] = govuk_date_field("Due date", required=False)
            action_parts.append(
                Fieldset(
                    Field.text(f"action_{n}_description"),
                    Field.select(f"action_{n}_owner"),
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
                for n in range(2, ACTION_ROWS + 1)
                for part in ("description", "owner", "due")
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
            action_parts[0],
            # Most visits agree one action or none: the others stay folded away until needed.
            HTML(
                f'<details class="govuk-details"{more_open}><summary class="govuk-details__summary">'
                '<span class="govuk-details__summary-text">Add more actions</span></summary>'
                '<div class="govuk-details__text">'
            ),
            *action_parts[1:],
            HTML("</div></details>"),
            Field("follow_up_on"),
            Field("form_token"),
            Field("version"),
            _submit(submit_label),
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
            owner, due = data.get(f"action_{n}_owner"), data.get(f"action_{n}_due")
            if not text and (owner or due):
                self.add_error(f"action_{n}_description", f"Enter what action {n} is")
            if text and not owner:
                self.add_error(f"action_{n}_owner", f"Select who owns action {n}")
            if text and not due and f"action_{n}_due" not in self.errors:
                self.add_error(f"action_{n}_due", f"Enter the due date of action {n}")
        return data

    def actions(self) -> list[Any]:
        from .services.visits import NewAction

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


class MeetingForm(IdempotentFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Type", choices=MeetingKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title"})
    held_on = govuk_date_field("Date")
    venue = forms.CharField(label="Venue or online (optional)", max_length=200, required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    attendees = forms.ModelMultipleChoiceField(
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
        self.fields["attendees"].queryset = contacts
        self.fields["attendees"].label_from_instance = lambda c: f"{c.full_name}, {c.school.name}"
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
            _submit("Save meeting"),
        )

    def clean_add_urns(self) -> list[int]:
        from .models import School

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


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="GIAS establishment file",
        help_text="The CSV file from Get Information About Schools (edubasealldata…csv), as downloaded.",
        error_messages={"required": "Choose the GIAS file to upload", "empty": "The file is empty"},
    )
    la_code = forms.CharField(
        label="Local authority code",
        help_text="Only this authority's schools are imported, for example 330. The national file has every "
        "authority's schools.",
        max_length=8,
        error_messages={"required": "Enter your local authority code"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("file"), Field.text("la_code", field_width=Fluid.ONE_QUARTER), _submit("Upload and check")
        )

    def clean_la_code(self) -> str:
        value = str(self.cleaned_data["la_code"]).strip()
        if not value.isdigit():
            raise forms.ValidationError("Enter the local authority code as a number, for example 330")
        return value


def today_default() -> date:
    return timezone.localdate()


class InstitutionForm(IdempotentFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Institution
        fields = ["name", "kind", "ward", "postcode", "notes"]
        labels = {
            "kind": "Type",
            "ward": "Ward (optional)",
            "postcode": "Postcode (optional)",
            "notes": "Notes (optional)",
        }
        error_messages = {"name": {"required": "Enter the name"}, "kind": {"required": "Select the type"}}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        hidden = keep_one_of_token_and_version(self, editing=self.instance.pk is not None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.text("ward", field_width=Fluid.ONE_HALF),
            Field.text("postcode", field_width=Fluid.ONE_QUARTER),
            Field.textarea("notes"),
            *hidden,
            _submit("Save"),
        )
