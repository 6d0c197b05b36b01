"""The question pages of making a referral, one form per page, and the submit on check your answers."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from core.forms import govuk_date_field
from core.idempotency import IdempotentFormMixin
from schools.models import School

from ..models import (
    ConcernType,
    EarlyHelp,
    Ethnicity,
    Gender,
    Indicator,
    Sector,
    YesNoUnknown,
)
from .common import SHORT_TEXT, VersionedForm, _buttons, _long_text, _radios, _text


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
        self.fields["date_of_birth"] = govuk_date_field(
            "Date of birth", required=False, help_text="For example, 27 3 2012", invalid="Enter a real date"
        )
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
        data = super().clean() or {}
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
        super().__init__(*args, **kwargs)
        self.own_only = bool(own_school_ids)
        if self.own_only:
            self.fields["school"] = forms.ModelChoiceField(
                label="Which school is the person at?",
                queryset=School.objects.filter(pk__in=own_school_ids or ()).order_by("name"),
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
        data = super().clean() or {}
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
        data = super().clean() or {}
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
    mass_casualty_interest = _radios(
        "Have they shown an interest in mass-casualty violence?", YesNoUnknown.choices,
        what="whether they have shown an interest in mass-casualty violence",
        help_text="For example school shootings, public massacres or past attacks, whatever the cause.",
    )  # fmt: skip
    online_activity = _long_text(
        "What do they do online that worries you? (optional)", limit=SHORT_TEXT, required=False,
        help_text="Sites, apps, games or groups, material viewed or shared, and how you found out.",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["concern_type"]).queryset = ConcernType.objects.filter(
            is_active=True
        ).order_by("order", "label")
        cast(forms.ModelChoiceField, self.fields["indicators"]).queryset = Indicator.objects.filter(
            is_active=True
        ).order_by("order", "label")
        self.helper.layout = Layout(
            Field.radios("concern_type", legend_size=Size.SMALL),
            Field.checkboxes("indicators", legend_size=Size.SMALL, small=True),
            Field.textarea("narrative", rows=8),
            Field.textarea("came_to_light", rows=4),
            Field.radios("mass_casualty_interest", legend_size=Size.SMALL, inline=True),
            Field.textarea("online_activity", rows=4),
            "version",
            _buttons(draft=True),
        )

    def referral_data(self) -> dict[str, Any]:
        data = super().referral_data()
        data.pop("indicators", None)
        return data


class VulnerabilitiesForm(StepForm):
    title = "Other needs and vulnerabilities"

    mental_health = _radios(
        "Are there mental health needs?", YesNoUnknown.choices, what="whether there are mental health needs"
    )
    neurodiversity = _radios(
        "Is the person neurodivergent, for example autistic or with ADHD? (optional)", YesNoUnknown.choices,
        what="whether the person is neurodivergent", required=False,
    )  # fmt: skip
    exploitation = _radios(
        "Is there any sign of exploitation?", YesNoUnknown.choices, what="whether there is any sign of exploitation"
    )
    online_harm = _radios(
        "Is there any sign of online harm?", YesNoUnknown.choices, what="whether there is any sign of online harm"
    )
    vulnerability_details = _long_text("Details (optional)", limit=SHORT_TEXT, required=False)
    additional_needs = _radios(
        "Do they have special educational needs, a disability or other additional needs?", YesNoUnknown.choices,
        what="whether they have special educational needs, a disability or other additional needs",
        help_text="Known or suspected.",
    )  # fmt: skip
    additional_needs_details = _long_text(
        "What are the needs, and are they known or suspected? (optional)", limit=SHORT_TEXT, required=False
    )
    other_safeguarding = _radios(
        "Are there other safeguarding concerns about them, their family, friends or surroundings?",
        YesNoUnknown.choices, what="whether there are other safeguarding concerns",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("mental_health", legend_size=Size.SMALL, inline=True),
            Field.radios("neurodiversity", legend_size=Size.SMALL, inline=True),
            Field.radios("additional_needs", legend_size=Size.SMALL, inline=True),
            Field.textarea("additional_needs_details", rows=3),
            Field.radios("exploitation", legend_size=Size.SMALL, inline=True),
            Field.radios("online_harm", legend_size=Size.SMALL, inline=True),
            Field.radios("other_safeguarding", legend_size=Size.SMALL, inline=True),
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
    person_aware = _radios(
        "Does the person know about this referral?", YesNoUnknown.choices,
        what="whether the person knows about this referral",
    )  # fmt: skip
    family_aware = _radios(
        "Do their parents, carers or family know about this referral?", YesNoUnknown.choices,
        what="whether their parents, carers or family know about this referral",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("person_aware", legend_size=Size.SMALL, inline=True),
            Field.radios("family_aware", legend_size=Size.SMALL, inline=True),
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


class StartForm(IdempotentFormMixin):
    """The start page's one button: its one-time token makes a double click start one draft."""
