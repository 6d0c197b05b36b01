from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.db.models import QuerySet

from accounts.models import Membership, User
from accounts.roles import Role
from schools.models import Contact, Phase, School

from .catalogue import TRAIN_THE_TRAINER_CODES
from .models import AttendeeRole, Course, Delivery, Sector
from .services import AttendanceLine, parse_attendance_lines

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")


def _number_widget(width: int = 5, *, decimal: bool = False) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "class": f"govuk-input govuk-input--width-{width}",
            "inputmode": "decimal" if decimal else "numeric",
            "spellcheck": "false",
        }
    )


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={"required": f"Enter the {label.lower()}", "invalid": f"Enter a real {label.lower()}"},
    )


def _submit(label: str) -> Button:
    return Button("submit", label, data_prevent_double_click="true")


def council_trainers() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.current().filter(role__in=[Role.COORDINATOR, Role.ADVISER]).values("user_id"),
    ).order_by("full_name")


def accredited_trainers() -> QuerySet[Contact]:
    return (
        Contact.objects.filter(
            is_current=True,
            training_attendances__attendance__session__course__code__in=TRAIN_THE_TRAINER_CODES,
        )
        .select_related("school")
        .distinct()
        .order_by("full_name")
    )


class ContactChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.full_name}, {obj.school.name}"


class SessionForm(forms.Form):
    """A session and, on the same page, the schools that came: one line each, `URN, staff`."""

    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.filter(is_active=True),
        empty_label="Choose a course",
        error_messages={"required": "Choose the course"},
    )
    held_on = _date("Date")
    sector = forms.ChoiceField(label="Audience sector", choices=Sector.choices, initial=Sector.SCHOOLS)
    delivery = forms.ChoiceField(
        label="Where", choices=Delivery.choices, initial=Delivery.VENUE, widget=forms.RadioSelect
    )
    venue = forms.CharField(label="Venue (optional)", max_length=200, required=False)
    capacity = forms.IntegerField(
        label="Places (optional)", min_value=0, max_value=100000, required=False, widget=_number_widget()
    )
    trainer = forms.ModelChoiceField(
        label="Council trainer (optional)", queryset=User.objects.none(), required=False, empty_label="None"
    )
    trainer_contact = ContactChoiceField(
        label="Accredited trainer at a school (optional)",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="None",
    )
    trainer_name = forms.CharField(label="Other trainer or provider (optional)", max_length=150, required=False)
    attendance = forms.CharField(
        label="Schools and other bodies that attended",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "portal-code"}),
        help_text=(
            "One school a line: the URN, then the number of staff, for example 103456, 12. For pupil workshops and "
            "parenting programmes give URN, staff, pupils, parents, for example 103456, 2, 90, 0. A college, early "
            "years setting or other body without a URN goes by its name, for example Northbrook College, 8. You can "
            "paste two columns from a spreadsheet. A school already listed for this session has its numbers replaced."
        ),
    )

    def __init__(self, *args: Any, submit_label: str = "Save session", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = council_trainers()
        self.fields["trainer_contact"].queryset = accredited_trainers()
        self.attendance_rows: list[AttendanceLine] = []
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("course"),
            Field.text("held_on"),
            Field.select("sector"),
            Field.radios("delivery", legend_size=Size.SMALL, inline=True),
            Field.text("venue", field_width=Fluid.TWO_THIRDS),
            Field.text("capacity"),
            Fieldset(
                Field.select("trainer"),
                Field.select("trainer_contact"),
                Field.text("trainer_name", field_width=Fluid.TWO_THIRDS),
                legend="Trainer",
                legend_size=Size.SMALL,
            ),
            Field.textarea("attendance"),
            _submit(submit_label),
        )

    def clean_attendance(self) -> str:
        text: str = self.cleaned_data.get("attendance", "")
        rows, errors = parse_attendance_lines(text)
        if errors:
            raise forms.ValidationError(
                errors[:30] + ([f"and {len(errors) - 30} more lines"] if len(errors) > 30 else [])
            )
        self.attendance_rows = rows
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delivery") == Delivery.VENUE and not data.get("venue") and "venue" not in self.errors:
            pass  # a venue may be entered later
        return data

    def session_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "course": d["course"],
            "held_on": d["held_on"],
            "sector": d["sector"],
            "delivery": d["delivery"],
            "venue": d["venue"],
            "capacity": d["capacity"],
            "trainer": d["trainer"],
            "trainer_contact": d["trainer_contact"],
            "trainer_name": d["trainer_name"],
        }


class FeedbackForm(forms.Form):
    responses = forms.IntegerField(
        label="Feedback forms returned", min_value=0, max_value=100000, widget=_number_widget()
    )
    better_understanding = forms.IntegerField(
        label="Of those, how many reported a better understanding",
        min_value=0,
        max_value=100000,
        widget=_number_widget(),
    )
    rating = forms.DecimalField(
        label="Average rating, 1 (poor) to 5 (excellent) (optional)",
        min_value=1,
        max_value=5,
        max_digits=3,
        decimal_places=2,
        required=False,
        widget=_number_widget(4, decimal=True),
        error_messages={"min_value": "Enter a rating from 1 to 5", "max_value": "Enter a rating from 1 to 5"},
    )
    quality_observation = forms.CharField(
        label="Quality observation (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What you saw of the session's quality, if you observed it.",
    )
    observed_on = _date("Date observed (optional)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("responses"),
            Field.text("better_understanding"),
            Field.text("rating"),
            Field.textarea("quality_observation"),
            Field.text("observed_on"),
            _submit("Save feedback"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        responses, better = data.get("responses"), data.get("better_understanding")
        if responses is not None and better is not None and better > responses:
            self.add_error("better_understanding", "This cannot be more than the number of feedback forms returned")
        return data


class AttendanceCountsForm(forms.Form):
    staff = forms.IntegerField(label="Staff", min_value=0, max_value=100000, widget=_number_widget())
    pupils = forms.IntegerField(label="Pupils", min_value=0, max_value=100000, widget=_number_widget())
    parents = forms.IntegerField(label="Parents", min_value=0, max_value=100000, widget=_number_widget())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("staff"),
            Field.text("pupils"),
            Field.text("parents"),
            _submit("Save numbers"),
        )


class AttendeeForm(forms.Form):
    contact = forms.ModelChoiceField(
        label="A member of staff already recorded (optional)",
        queryset=Contact.objects.none(),
        required=False,
        empty_label="Someone else",
    )
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.sch.uk"},
    )
    role = forms.ChoiceField(label="Role", choices=AttendeeRole.choices, initial=AttendeeRole.DSL)

    def __init__(self, *args: Any, school_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (
            Contact.objects.filter(school_id=school_id, is_current=True).order_by("full_name")
            if school_id
            else Contact.objects.none()
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("contact"),
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS, spellcheck="false"),
            Field.select("role"),
            _submit("Add person"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact = data.get("contact")
        if contact is not None:
            data["full_name"] = data.get("full_name") or contact.full_name
            data["email"] = data.get("email") or contact.email
        elif not data.get("full_name"):
            self.add_error("full_name", "Enter the person's full name, or choose a member of staff")
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), _submit("Upload and check"))


class DashboardForm(forms.Form):
    """The dashboard's "as at" date and optional phase and ward; read from the query string."""

    on = _date("As at", required=False)
    start = _date("Reach from", required=False, help_text="For staff, pupils and parents reached.")
    phase = forms.ChoiceField(label="Phase", choices=[("", "All phases"), *Phase.choices], required=False)
    ward = forms.ChoiceField(label="Ward", choices=[("", "All wards")], required=False)

    def __init__(self, *args: Any, wards: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", "All wards"), *[(w, w) for w in wards]]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("on"),
            Field.text("start"),
            Field.select("phase"),
            Field.select("ward"),
            Button("submit", "Show figures", css_class="govuk-button--secondary"),
        )


def academic_year_start(day: date) -> date:
    return date(day.year if day.month >= 9 else day.year - 1, 9, 1)


class ContactCheckboxField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.full_name} ({obj.get_role_display()})"


class ElearningForm(forms.Form):
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
    completed_on = _date("Date completed")
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
            self.fields["school"].queryset = School.objects.filter(pk__in=[s.pk for s in schools]).order_by("name")
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
        self.fields["contacts"].queryset = (
            Contact.objects.filter(school_id__in=school_ids, is_current=True)
            .select_related("school")
            .order_by("role", "full_name")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *parts,
            Field.select("course"),
            Field.text("completed_on"),
            Field.checkboxes("contacts", legend_size=Size.SMALL, small=True),
            Field.text("other_staff"),
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


class CourseForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Course
        fields = [
            "code",
            "name",
            "audience",
            "counts_as_prevent_training_for_dsl",
            "is_commissioned",
            "is_elearning",
            "is_refresher",
            "is_active",
            "order",
            "description",
        ]
        labels = {
            "code": "Code",
            "name": "Name",
            "audience": "Audience",
            "counts_as_prevent_training_for_dsl": "Counts as a DSL's Prevent training",
            "is_commissioned": "Commissioned or community delivery (reported apart from training)",
            "is_elearning": "Home Office e-learning",
            "is_refresher": "A refresher",
            "is_active": "Offered now (shown when adding sessions)",
            "order": "Position in lists",
            "description": "Description (optional)",
        }
        widgets = {"order": _number_widget(), "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "code": {"required": "Enter a short code, like WRAP", "unique": "Another course has this code"},
            "name": {"required": "Enter the course's name"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "Capital letters, digits and hyphens. Used in attendance imports."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("code", field_width=Fluid.ONE_THIRD, spellcheck="false"),
            Field.text("name", field_width=Fluid.FULL),
            Field.select("audience"),
            Field.checkbox("counts_as_prevent_training_for_dsl"),
            Field.checkbox("is_commissioned"),
            Field.checkbox("is_elearning"),
            Field.checkbox("is_refresher"),
            Field.checkbox("is_active"),
            Field.text("order"),
            Field.textarea("description"),
            _submit("Save course"),
        )

    def clean_code(self) -> str:
        import re

        code = str(self.cleaned_data["code"]).strip().upper()
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,31}", code):
            raise forms.ValidationError("Use capital letters, digits and hyphens only, like ELEARN-AWARENESS")
        return code
