"""Form pieces every app shares: the GOV.UK date input and turning a service's refusal into form errors."""

from __future__ import annotations

import re
from typing import Any

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict

from .idempotency import TOKEN_FIELD, IdempotentFormMixin, form_token_mint
from .locking import StaleEdit, stale_edit_show_on_form

DATE_HINT = "For example, 23 11 2026"
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Shows a service's ValidationError on the form: an error about a field the form has goes on that field,
    everything else in the error summary above the form. A StaleEdit (someone else saved first) is shown the one
    way every edit page shows it."""
    if isinstance(error, StaleEdit):
        stale_edit_show_on_form(form, error)
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class GovUKDateWidget(DateInputWidget):
    """Day, month and year boxes (`<name>_0`, `_1`, `_2`). A single ISO date under the field's own name is read
    too, so links such as `?on=2026-11-23` and older bookmarks keep working."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        parts = super().value_from_datadict(data, files, name)
        if not any(parts):
            match = ISO_DATE.match(str(data.get(name) or "").strip())
            if match:
                year, month, day = match.groups()
                return [day, month, year]
        return parts

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return super().value_omitted_from_data(data, files, name) and name not in data


class GovUKDateField(DateInputField):
    """GOV.UK's day-month-year date input. An impossible date (31 2 2012) or a huge year gets the GOV.UK
    wording instead of Python's "month must be in 1..12" or an OverflowError (a 500)."""

    widget = GovUKDateWidget

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)  # type: ignore[no-untyped-call]  # crispy-forms-gds has no annotations
        except forms.ValidationError as error:
            # Letters in a part ("Enter a valid month") become one message about the date, as GOV.UK asks.
            if any(getattr(e, "code", None) == "invalid" for e in error.error_list):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
            raise

    def compress(self, data_list: Any) -> Any:
        try:
            return super().compress(data_list)  # type: ignore[no-untyped-call]  # as above
        except (forms.ValidationError, OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def govuk_date_field(
    label: str,
    *,
    required: bool = True,
    help_text: str = DATE_HINT,
    what: str = "",
    invalid: str = "",
    initial: Any = None,
) -> GovUKDateField:
    """The date field of every form: "Enter the date of the visit", "Date of the visit must be a real date".
    `what` names the date in the "Enter ..." message; `invalid` replaces the "must be a real date" wording."""
    name = label.split(" (")[0]
    field = GovUKDateField(  # type: ignore[no-untyped-call]  # its __init__ is crispy-forms-gds's, unannotated
        label=label, required=required, help_text=help_text, initial=initial, require_all_fields=False
    )
    field.error_messages["invalid"] = invalid or f"{name} must be a real date"
    field.error_messages["required"] = f"Enter {what or 'the ' + label.lower()}"
    field.error_messages["incomplete"] = f"{name} must include a day, month and year"
    return field


def version_field() -> forms.IntegerField:
    """The hidden version an edit form was drawn at (core.locking): the service refuses the save if the record's
    version has moved on since."""
    return forms.IntegerField(widget=forms.HiddenInput)


def keep_one_of_token_and_version(form: forms.Form, *, editing: bool) -> list[Field]:
    """For a form that both adds and edits, declaring `form_token` (IdempotentFormMixin) and `version`: adding
    keeps the one-time token (a double click makes one record), editing keeps the version (a save over someone
    else's newer one is refused). Returns the kept hidden field, for the crispy layout to draw."""
    del form.fields["form_token" if editing else "version"]
    return [Field("version" if editing else "form_token")]


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model choice field, typed, to set its queryset and labels for this form."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, typed, to set its choices for this form."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


class AttachmentForm(IdempotentFormMixin):
    """Attach a file to a referral, a case or a chronology entry. The checks of the file itself (size, type by
    content, virus scan) are `core.attachments.attachment_check`'s."""

    file = forms.FileField(
        label="Choose a file",
        error_messages={"required": "Choose a file to attach", "empty": "The selected file is empty"},
    )
    description = forms.CharField(
        label="What is it? (optional)",
        help_text="For example, the school's chronology or a police summary",
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = int(settings.ATTACHMENT_MAX_BYTES) // (1024 * 1024)
        self.fields["file"].help_text = (
            f"A PDF, an image (PNG, JPEG or GIF), a Word or Excel document, or a plain text file, smaller than "
            f"{limit} MB. It is checked for viruses before it is kept."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("file"), Field.text("description"), Field("form_token"), Button("submit", "Attach the file")
        )


def refused_upload_form(
    form_class: type[forms.Form], data: QueryDict, *, message: str, field: str = "file", **kwargs: Any
) -> forms.Form:
    """The upload form drawn again after its file was refused unread (over the page's limit): what of the other
    fields arrived before the file part, the file's error, and a fresh one-time token."""
    values = data.copy()
    if TOKEN_FIELD in form_class.base_fields:
        values[TOKEN_FIELD] = form_token_mint()
    form = form_class(values, **kwargs)
    form.is_valid()
    form.errors.pop(field, None)
    form.add_error(field, message)
    return form
