from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape

from core.forms import choice_field, govuk_date_field, keep_one_of_token_and_version, version_field
from core.idempotency import IdempotentFormMixin
from core.locking import StaleEdit, stale_edit_show_on_form

from ..models import (
    ChecklistConfirmation,
    ChecklistItem,
    Contact,
    ContactRole,
    Institution,
    InstitutionKind,
    RRSALevel,
    SupportTier,
)
from ..services.schools import ChecklistAnswer
from .common import submit_button


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
            submit_button("Save"),
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
        choice_field(self, "role").choices = ContactRole.choices
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
            submit_button("Save contact"),
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
        self.helper.layout = Layout(*parts, Field("version"), submit_button("Save checklist"))

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

    def answers(self) -> list[ChecklistAnswer]:
        return [
            ChecklistAnswer(
                item=value,
                in_place=self.cleaned_data[f"{value}__in_place"] == "yes",
                confirm=bool(self.cleaned_data[f"{value}__confirm"]),
                note=self.cleaned_data[f"{value}__note"].strip(),
            )
            for value in ChecklistItem.values
        ]


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
            Field("file"), Field.text("la_code", field_width=Fluid.ONE_QUARTER), submit_button("Upload and check")
        )

    def clean_la_code(self) -> str:
        value = str(self.cleaned_data["la_code"]).strip()
        if not value.isdigit():
            raise forms.ValidationError("Enter the local authority code as a number, for example 330")
        return value


def today_default() -> date:
    return timezone.localdate()


class InstitutionForm(IdempotentFormMixin, forms.Form):
    """Adds or changes an institution. A plain form rather than a ModelForm: a ModelForm would refuse the second
    POST of a double-clicked Save as a duplicate name before the service's create_once could answer it with the
    record the first POST made; the service checks the name itself."""

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the name"})
    kind = forms.ChoiceField(
        label="Type",
        choices=InstitutionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type"},
    )
    ward = forms.CharField(label="Ward (optional)", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = version_field()

    def __init__(self, *args: Any, institution: Institution | None = None, **kwargs: Any) -> None:
        if institution is not None:
            kwargs["initial"] = {
                **{name: getattr(institution, name) for name in ("name", "kind", "ward", "postcode", "notes")},
                "version": institution.version,
            }
        super().__init__(*args, **kwargs)
        hidden = keep_one_of_token_and_version(self, editing=institution is not None)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field.text("ward", field_width=Fluid.ONE_HALF),
            Field.text("postcode", field_width=Fluid.ONE_QUARTER),
            Field.textarea("notes"),
            *hidden,
            submit_button("Save"),
        )
