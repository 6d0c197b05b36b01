"""E-learning completed by a school's staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from core.forms import govuk_date_field, model_choice_field
from core.idempotency import IdempotentFormMixin
from schools.models import Contact, School

from ..models import Course
from .common import _number_widget, _submit


class ContactCheckboxField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"


class ElearningForm(IdempotentFormMixin, forms.Form):
    """A school's record of Home Office e-learning completed by its staff."""

    school = forms.ModelChoiceField(label="School", queryset=School.objects.none(), empty_label=None)
    urn = forms.IntegerField(
        label="School URN",
        min_value=1,
        widget=_number_widget(10),
        error_messages={"required": "Enter the school's URN", "invalid": "Enter the school's URN, a number"},
    )
    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.filter(is_elearning=True, is_active=True),
        empty_label="Choose a course",
        error_messages={"required": "Choose the e-learning course"},
    )
    completed_on = govuk_date_field("Date completed")
    contacts = ContactCheckboxField(
        label="Named staff who completed it",
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Designated safeguarding leads and deputies are named so that their two-yearly training shows.",
    )
    other_staff = forms.IntegerField(
        label="Number of other staff who completed it", min_value=0, max_value=1000, initial=0, widget=_number_widget()
    )

    def __init__(self, *args: Any, schools: list[School] | None, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fixed_schools = schools
        parts: list[Any] = []
        if schools is not None:
            # A DSL: their own school(s) only.
            del self.fields["urn"]
            model_choice_field(self, "school").queryset = School.objects.filter(
                pk__in=[s.pk for s in schools]
            ).order_by("name")
            if len(schools) == 1:
                del self.fields["school"]  # their only school: nothing to choose
            else:
                parts.append(Field.select("school"))
            school_ids = [s.pk for s in schools]
        else:
            del self.fields["school"]
            parts.append(Field.text("urn"))
            school_ids = []
            urn = self.data.get("urn") if self.is_bound else self.initial.get("urn")
            if urn and str(urn).isdigit():
                school_ids = list(School.objects.filter(urn=int(urn)).values_list("pk", flat=True))
        model_choice_field(self, "contacts").queryset = (
            Contact.objects.filter(school_id__in=school_ids, is_current=True)
            .select_related("school")
            .order_by("role", "full_name")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *parts,
            Field.select("course"),
            Field("completed_on"),
            Field.checkboxes("contacts", legend_size=Size.SMALL, small=True),
            Field.text("other_staff"),
            Field("form_token"),
            _submit("Record e-learning"),
        )

    def clean_completed_on(self) -> date:
        day: date = self.cleaned_data["completed_on"]
        if day > self.today:
            raise forms.ValidationError("The date completed must be today or in the past")
        if day < date(2015, 1, 1):
            raise forms.ValidationError("The date completed must be after 1 January 2015")
        return day

    def clean_urn(self) -> Any:
        urn = self.cleaned_data["urn"]
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError(f"No school has URN {urn}")
        self.cleaned_data["school"] = school
        return urn

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.fixed_schools is not None and len(self.fixed_schools) == 1:
            data["school"] = self.fixed_schools[0]
        if not data.get("contacts") and not data.get("other_staff") and "other_staff" not in self.errors:
            self.add_error("other_staff", "Choose who completed it, or give the number of other staff")
        return data
