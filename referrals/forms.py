"""Question pages of the referral, triage and the lists coordinators edit (GOV.UK forms via crispy-forms-gds)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from core.forms import RealDateField

from .models import (
    TEXT_LIMIT,
    ConcernType,
    EarlyHelp,
    Ethnicity,
    EventKind,
    Gender,
    Indicator,
    ScreeningQuestion,
    Sector,
    SignpostService,
    YesNoUnknown,
)

SHORT_TEXT = 5_000


def _date_field(label: str, *, help_text: str = "") -> Any:
    field = RealDateField(label=label, required=False, help_text=help_text, require_all_fields=False)
    field.error_messages["invalid"] = "Enter a real date"
    return field


def _text(label: str, *, limit: int = 150, required: bool = True, what: str = "", **kwargs: Any) -> forms.CharField:
    what = what or label.lower()
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{label.split(' (')[0]} must be {limit:,} characters or fewer",
            "null_characters_not_allowed": f"{label.split(' (')[0]} must not contain null characters",
        },
        **kwargs,
    )


def _long_text(label: str, *, limit: int = TEXT_LIMIT, required: bool = True, what: str = "", **kwargs: Any) -> Any:
    return _text(label, limit=limit, required=required, what=what, widget=forms.Textarea, **kwargs)


def _radios(label: str, choices: Any, *, what: str, required: bool = True, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[(v, lbl) for v, lbl in choices if v != ""],
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": f"Select {what}", "invalid_choice": f"Select {what}"},
        **kwargs,
    )


class VersionedForm(forms.Form):
    """Carries the version of the record the page was built from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def set_version(self, version: int) -> None:
        """After a refused save: keep the user's text, and let a deliberate second save go through."""
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data


def _buttons(*, draft: bool, label: str = "Save and continue") -> Div:
    parts = [Button("submit", label, data_prevent_double_click="true")]
    if draft:
        parts.append(Button.secondary("draft", "Save as draft", data_prevent_double_click="true"))
    return Div(*parts, css_class="govuk-button-group")


class StepForm(VersionedForm):
    """One page of the referral. With partial=True (save as draft) nothing is required, but what is typed is
    still checked."""

    title = ""

    def __init__(self, *args: Any, partial: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partial = partial
        if partial:
            for name, field in self.fields.items():
                if name != "version":
                    field.required = False
        self.helper = FormHelper()
        self.helper.form_tag = False

    def referral_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class PersonForm(StepForm):
    title = "About the person"

    first_name = _text("First name", limit=100, what="the person's first name")
    last_name = _text("Last name", limit=100, what="the person's last name")
    age_given = forms.IntegerField(
        label="Age in years, if you do not know the date of birth",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Age must be a number, like 14",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
        },
    )
    gender = _radios("Gender", Gender.choices, what="the person's gender")
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)", choices=Ethnicity.choices, required=False,
        help_text="Only if the person or their family has told you.",
    )  # fmt: skip
    address_area = _text(
        "Area or ward where they live (optional)", limit=100, required=False,
        help_text="Not the full address: the ward, area or first part of the postcode, like NB3.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"] = _date_field("Date of birth", help_text="For example, 27 3 2012")
        self.order_fields(["first_name", "last_name", "date_of_birth", "age_given", "gender"])
        self.helper.layout = Layout(
            Field.text("first_name", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
            Field.text("last_name", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
            Field("date_of_birth", legend_size=Size.SMALL),
            Field.text("age_given", field_width=Fixed.THREE),
            Field.radios("gender", legend_size=Size.SMALL, inline=False),
            Field.select("ethnicity"),
            Field.text("address_area", field_width=Fluid.ONE_HALF),
            "version",
            _buttons(draft=True),
        )

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value is None:
            return None
        if value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        if value.year < 1900:
            raise forms.ValidationError("Date of birth must be after 1900")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        neither = data.get("date_of_birth") is None and data.get("age_given") is None
        already = "date_of_birth" in self.errors or "age_given" in self.errors
        if not self.partial and neither and not already:
            self.add_error("date_of_birth", "Enter the person's date of birth, or their age")
        return data


class SchoolForm(StepForm):
    """A DSL picks one of their own schools (a school id from elsewhere is refused); other roles type a URN."""

    title = "The person's school"

    not_in_school = forms.BooleanField(
        label="The person is not at a school or college, or I do not know", required=False
    )

    def __init__(self, *args: Any, own_school_ids: frozenset[int] | None = None, **kwargs: Any) -> None:
        from schools.models import School

        super().__init__(*args, **kwargs)
        self.own_only = bool(own_school_ids)
        if self.own_only:
            self.fields["school"] = forms.ModelChoiceField(
                label="Which school is the person at?",
                queryset=School.objects.filter(pk__in=own_school_ids).order_by("name"),
                widget=forms.RadioSelect,
                required=not self.partial,
                empty_label=None,
                error_messages={"required": "Select the school", "invalid_choice": "Select your own school"},
                help_text="You can refer pupils of your own school. For anyone else, tell the Prevent team.",
            )
            del self.fields["not_in_school"]
            self.helper.layout = Layout(Field.radios("school", legend_size=Size.SMALL), "version", _buttons(draft=True))
        else:
            self.fields["school_urn"] = forms.IntegerField(
                label="School URN",
                required=False,
                min_value=100000,
                max_value=9999999,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                help_text="The 6-digit unique reference number of the school or college, like 123456.",
                error_messages={
                    "invalid": "URN must be a number, like 123456",
                    "min_value": "URN must be 6 or 7 digits",
                    "max_value": "URN must be 6 or 7 digits",
                },
            )
            self.helper.layout = Layout(
                Field.text("school_urn", field_width=Fixed.TEN),
                Field.checkbox("not_in_school"),
                "version",
                _buttons(draft=True),
            )

    def clean(self) -> dict[str, Any]:
        from schools.models import School

        data = super().clean()
        if self.own_only:
            return data
        urn = data.get("school_urn")
        if urn:
            school = School.objects.filter(urn=urn).first()
            if school is None:
                self.add_error("school_urn", "There is no school with that URN")
            data["school"] = school
        else:
            data["school"] = None
        if not self.partial and not urn and not data.get("not_in_school") and "school_urn" not in self.errors:
            self.add_error("school_urn", "Enter the school's URN, or say the person is not at a school")
        return data

    def referral_data(self) -> dict[str, Any]:
        data = super().referral_data()
        data.pop("school_urn", None)
        data.setdefault("not_in_school", False)
        return data


class ReferrerForm(StepForm):
    title = "Who is making the referral"

    referrer_sector = _radios("Sector", Sector.choices, what="the sector you work in")
    referrer_organisation = _text("Organisation", limit=200, what="your organisation")
    referrer_name = _text("Your name", what="your name")
    referrer_role = _text("Your role (optional)", required=False)
    referrer_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.gov.uk"},
    )
    referrer_phone = _text("Telephone (optional)", limit=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("referrer_sector", legend_size=Size.SMALL),
            Field.text("referrer_organisation", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_name", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_role", field_width=Fluid.TWO_THIRDS),
            Field.text("referrer_email", field_width=Fluid.TWO_THIRDS, spellcheck="false"),
            Field.text("referrer_phone", field_width=Fixed.TWENTY, inputmode="tel"),
            "version",
            _buttons(draft=True),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        no_contact = not data.get("referrer_email") and not data.get("referrer_phone")
        if not self.partial and no_contact and "referrer_email" not in self.errors:
            self.add_error("referrer_email", "Enter an email address or a telephone number")
        return data


class ConcernForm(StepForm):
    title = "The concern"

    concern_type = forms.ModelChoiceField(
        label="Type of concern",
        queryset=ConcernType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the type of concern", "invalid_choice": "Select the type of concern"},
    )
    indicators = forms.ModelMultipleChoiceField(
        label="Early indicators seen (optional)",
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Select indicators from the list",
            "invalid_pk_value": "Select indicators from the list",
        },
    )
    narrative = _long_text(
        "What is the concern?", what="what the concern is",
        help_text="What was said or done, when, and by whom. Facts, not opinions.",
    )  # fmt: skip
    came_to_light = _long_text("How did it come to light?", limit=SHORT_TEXT, what="how the concern came to light")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern_type"].queryset = ConcernType.objects.filter(is_active=True).order_by("order", "label")
        self.fields["indicators"].queryset = Indicator.objects.filter(is_active=True).order_by("order", "label")
        self.helper.layout = Layout(
            Field.radios("concern_type", legend_size=Size.SMALL),
            Field.checkboxes("indicators", legend_size=Size.SMALL, small=True),
            Field.textarea("narrative", rows=8),
            Field.textarea("came_to_light", rows=4),
            "version",
            _buttons(draft=True),
        )

    def referral_data(self) -> dict[str, Any]:
        data = super().referral_data()
        data.pop("indicators", None)
        return data


class VulnerabilitiesForm(StepForm):
    title = "Other vulnerabilities"

    mental_health = _radios(
        "Are there mental health needs or neurodiversity?", YesNoUnknown.choices,
        what="whether there are mental health needs or neurodiversity",
    )  # fmt: skip
    exploitation = _radios(
        "Is there any sign of exploitation?", YesNoUnknown.choices, what="whether there is any sign of exploitation"
    )
    online_harm = _radios(
        "Is there any sign of online harm?", YesNoUnknown.choices, what="whether there is any sign of online harm"
    )
    vulnerability_details = _long_text("Details (optional)", limit=SHORT_TEXT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("mental_health", legend_size=Size.SMALL, inline=True),
            Field.radios("exploitation", legend_size=Size.SMALL, inline=True),
            Field.radios("online_harm", legend_size=Size.SMALL, inline=True),
            Field.textarea("vulnerability_details", rows=4),
            "version",
            _buttons(draft=True),
        )


class ActionsForm(StepForm):
    title = "What has been done so far"

    family_spoken_to = _radios(
        "Have you spoken to the family?", YesNoUnknown.choices, what="whether you have spoken to the family"
    )
    early_help = _radios(
        "Has early help or a CAF been started, with consent?", EarlyHelp.choices,
        what="whether early help or a CAF has been started",
    )  # fmt: skip
    team_around_child = _radios(
        "Is there a Team Around the Child?", YesNoUnknown.choices, what="whether there is a Team Around the Child"
    )
    actions_details = _long_text("Details (optional)", limit=SHORT_TEXT, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("family_spoken_to", legend_size=Size.SMALL, inline=True),
            Field.radios("early_help", legend_size=Size.SMALL),
            Field.radios("team_around_child", legend_size=Size.SMALL, inline=True),
            Field.textarea("actions_details", rows=4),
            "version",
            _buttons(draft=True),
        )


STEP_FORMS: dict[str, type[StepForm]] = {
    "person": PersonForm,
    "school": SchoolForm,
    "referrer": ReferrerForm,
    "concern": ConcernForm,
    "vulnerabilities": VulnerabilitiesForm,
    "actions": ActionsForm,
}


class SubmitForm(VersionedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("version", Button("submit", "Send referral", data_prevent_double_click="true"))


# --- Triage ------------------------------------------------------------------------------------------------------


class AssignForm(VersionedForm):
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team (the Prevent team)"
    )
    assignee = forms.ModelChoiceField(
        label="Person (optional)", queryset=User.objects.none(), required=False, empty_label="Anyone in the team"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from accounts.models import Membership

        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.order_by("name")
        people = Membership.objects.current().filter(role__in=[Role.CSC_PRACTITIONER, Role.COORDINATOR])
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, pk__in=people.values("user_id")
        ).order_by("full_name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("team"), Field.select("assignee"), "version",
            Button("submit", "Assign", data_prevent_double_click="true"),
        )  # fmt: skip


class ScreeningForm(VersionedForm):
    """The CSC screening tool: one set of radios and a comment per active question (and any question already
    answered, even if switched off since)."""

    def __init__(self, *args: Any, questions: list[ScreeningQuestion], answers: dict[int, Any], **kwargs: Any):
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


class NoteForm(forms.Form):
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
            Button("submit", "Add note", data_prevent_double_click="true"),
        )


class DecisionForm(VersionedForm):
    choice = forms.ChoiceField(
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
    notes = _long_text("Reasons for the decision", what="the reasons for the decision")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .services import DecisionChoice

        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = DecisionChoice.choices
        self.fields["services"].queryset = SignpostService.objects.filter(is_active=True).order_by("order", "label")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("choice", legend_size=Size.SMALL),
            Field.checkboxes("services", legend_size=Size.SMALL, small=True),
            Field.textarea("notes", rows=5),
            "version",
            Button("submit", "Record decision", data_prevent_double_click="true"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("choice") == "signposted" and not data.get("services") and "services" not in self.errors:
            self.add_error("services", "Select the services the person is signposted to")
        return data


# --- Lists and routing -------------------------------------------------------------------------------------------


class ListItemForm(forms.Form):
    label = _text("Wording", limit=200, what="the wording")
    hint = _text("Hint (optional)", limit=500, required=False)
    order = forms.IntegerField(
        label="Position in the list", min_value=0, max_value=100000, initial=100, widget=forms.TextInput,
        error_messages={"required": "Enter a position, like 10", "invalid": "Position must be a number, like 10"},
    )  # fmt: skip
    is_active = forms.BooleanField(label="In use (offered on new referrals)", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("label", field_width=Fluid.FULL),
            Field.text("hint", field_width=Fluid.FULL),
            Field.text("order", field_width=Fixed.FIVE, inputmode="numeric"),
            Field.checkbox("is_active"),
            Button("submit", "Save", data_prevent_double_click="true"),
        )


class RoutingForm(forms.Form):
    under_18_panel = forms.ModelChoiceField(
        label="Panel for under 18s", queryset=None, required=False, empty_label="Not set (Social Inclusion or Channel)"
    )
    adult_panel = forms.ModelChoiceField(
        label="Panel for adults", queryset=None, required=False, empty_label="Not set (Safeguarding Adults or Channel)"
    )
    triage_target_days = forms.IntegerField(
        label="Triage target in days",
        widget=forms.TextInput,
        min_value=1,
        max_value=90,
        help_text="A referral still open this many days after it was made shows as overdue.",
        error_messages={
            "required": "Enter the triage target in days",
            "invalid": "Triage target must be a number, like 5",
            "min_value": "Triage target must be 1 day or more",
            "max_value": "Triage target must be 90 days or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from channel.models import Panel

        super().__init__(*args, **kwargs)
        for name in ("under_18_panel", "adult_panel"):
            self.fields[name].queryset = Panel.objects.filter(is_active=True).order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("under_18_panel"), Field.select("adult_panel"),
            Field.text("triage_target_days", field_width=Fixed.THREE, inputmode="numeric"),
            Button("submit", "Save", data_prevent_double_click="true"),
        )  # fmt: skip
