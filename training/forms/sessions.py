"""A training session, its feedback, a school's numbers and named attendees, and the course list."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms

from accounts.models import User
from core.finding import FindOneField, find_one_field
from core.forms import govuk_date_field, keep_one_of_token_and_version, model_choice_field, version_field
from core.idempotency import IdempotentFormMixin
from schools.models import Contact

from ..attendance_lines import AttendanceLine, parse_attendance_lines
from ..models import AttendeeRole, Course, Delivery, Sector
from .common import _number_widget, _submit, accredited_trainers, council_trainers, trainer_contact_field


class SessionForm(IdempotentFormMixin, forms.Form):
    """A session and, on the same page, the schools that came: one line each, `URN, staff`."""

    course = forms.ModelChoiceField(
        label="Course",
        queryset=Course.objects.filter(is_active=True),
        empty_label="Choose a course",
        error_messages={"required": "Choose the course"},
    )
    held_on = govuk_date_field("Date")
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
    trainer_contact: FindOneField = trainer_contact_field()
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

    # Editing carries the version as well as the token: the token keeps a double click from adding the schools
    # twice, the version refuses a save over someone else's newer one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, submit_label: str = "Save session", editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].required = editing
        model_choice_field(self, "trainer").queryset = council_trainers()
        named = self.initial.get("trainer_contact")
        find_one_field(self, "trainer_contact").rows = accredited_trainers(also=getattr(named, "pk", None))
        self.attendance_rows: list[AttendanceLine] = []
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("course"),
            Field("held_on"),
            Field.select("sector"),
            Field.radios("delivery", legend_size=Size.SMALL, inline=True),
            Field.text("venue", field_width=Fluid.TWO_THIRDS),
            Field.text("capacity"),
            Fieldset(
                Field.select("trainer"),
                Field.text("trainer_contact", field_width=Fluid.TWO_THIRDS),
                Field.text("trainer_name", field_width=Fluid.TWO_THIRDS),
                legend="Trainer",
                legend_size=Size.SMALL,
            ),
            Field.textarea("attendance"),
            Field("form_token"),
            Field("version"),
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
    observed_on = govuk_date_field("Date observed (optional)", required=False)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("responses"),
            Field.text("better_understanding"),
            Field.text("rating"),
            Field.textarea("quality_observation"),
            Field("observed_on"),
            Field("version"),
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
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("staff"),
            Field.text("pupils"),
            Field.text("parents"),
            Field("version"),
            _submit("Save numbers"),
        )


class AttendeeForm(IdempotentFormMixin, forms.Form):
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
        model_choice_field(self, "contact").queryset = (
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
            Field("form_token"),
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


class CourseForm(IdempotentFormMixin, forms.ModelForm):  # type: ignore[type-arg]
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
            "code": {"required": "Enter a short code, like WRAP"},
            "name": {"required": "Enter the course's name"},
        }

    version = version_field()

    def validate_unique(self) -> None:
        """Left to the service: a double-clicked Save must reach create_once, which answers the second POST with
        the record the first made, rather than be refused here as a duplicate of it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        hidden = keep_one_of_token_and_version(self, editing=self.instance.pk is not None)
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
            *hidden,
            _submit("Save course"),
        )

    def clean_code(self) -> str:
        import re

        code = str(self.cleaned_data["code"]).strip().upper()
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,31}", code):
            raise forms.ValidationError("Use capital letters, digits and hyphens only, like ELEARN-AWARENESS")
        return code
