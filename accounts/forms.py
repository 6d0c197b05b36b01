from __future__ import annotations

from functools import reduce
from operator import and_
from typing import TYPE_CHECKING, Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import SetPasswordForm as DjangoSetPasswordForm
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from core.finding import FindOneField, find_one_field, typed_words
from core.forms import govuk_date_field
from core.idempotency import IdempotentFormMixin
from core.retention_models import RetentionSettings

from .models import Team, User
from .roles import Role

if TYPE_CHECKING:
    # For annotations only: at run time accounts does not import the apps above it (see accounts.scopes).
    from channel.models.panels import Panel
from .scopes import PANEL, SCHOOL, scope_choices


class SignInForm(AuthenticationForm):
    """E-mail and password. The field keeps Django's name `username` so django-axes counts failures per account."""

    username = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        # One message for a wrong password and an unknown address: no hint whether the account exists.
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "Enter a correct email address and password.",
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.TWO_THIRDS),
            Field("password"),
            Button("submit", "Sign in", data_prevent_double_click="true"),
        )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your backup codes.",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "autofocus": True}
        ),
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args: Any, submit_label: str = "Continue", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("token", field_width=Fixed.TEN),
            Button("submit", submit_label, data_prevent_double_click="true"),
        )

    def clean_token(self) -> str:
        return "".join(str(self.cleaned_data["token"]).split()).lower()


class UserDetailsFields(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=150, error_messages={"required": "Enter the person's full name"}
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=150, required=False)


class InviteForm(IdempotentFormMixin, UserDetailsFields):
    email = forms.EmailField(
        label="Work email address",
        help_text="We will send a link to this address to set a password. The link works once, for 3 days.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's work email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Send invitation", data_prevent_double_click="true"),
        )
        self.helper.render_hidden_fields = True  # the one-time token


class UserDetailsForm(UserDetailsFields):
    """A person's name and job title, with the version of the person the page was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Field.text("full_name", field_width=Fluid.TWO_THIRDS),
            Field.text("job_title", field_width=Fluid.TWO_THIRDS),
            Button("submit", "Save changes", data_prevent_double_click="true"),
        )


def _schools_matching(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    """A URN, or every word in the school's name."""
    if text.isdigit():
        return rows.filter(urn=int(text)) if len(text) < 10 else rows.none()
    words = typed_words(text)
    return rows.filter(reduce(and_, (Q(name__icontains=w) for w in words))).order_by("name") if words else rows.none()


def _school_named(rows: QuerySet[Any], text: str) -> QuerySet[Any]:
    return rows.none() if text.isdigit() else rows.filter(name__iexact=text)


class MembershipForm(IdempotentFormMixin, forms.Form):
    """A role and its scope. Only the scope the chosen role needs is kept (see accounts.services)."""

    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect, error_messages={"required": "Select a role"})
    # A text box, not a list: a council may have hundreds of schools, a national deployment tens of thousands.
    school = FindOneField(
        label="School (for a designated safeguarding lead)",
        help_text="The school's URN, or enough of its name to find only that school.",
        required=False,
        match=_schools_matching,
        exact=_school_named,
        label_of=lambda school: f"{school.name} (URN {school.urn})",
        only=("name", "urn"),
        none="No open school has that URN or name. Check it on the school's page",
        several="More than one school matches ‘{text}’: choose one",
        legend="Which school?",
    )
    team = forms.ModelChoiceField(
        label="Team (for a CSC practitioner)", queryset=Team.objects.order_by("name"), required=False
    )
    # Panels belong to an app above accounts: the rows come from the registered scope (see accounts.scopes).
    panel: forms.ModelChoiceField[Panel] = forms.ModelChoiceField(
        label="Panel (for a panel chair or member)", queryset=None, required=False
    )
    agency = forms.CharField(
        label="Agency (for a panel member)",
        help_text="For example Police, Health, Probation or Children's Social Care.",
        max_length=150,
        required=False,
    )

    def __init__(self, *args: Any, roles: list[Role], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # `fields` holds this form's own copies of the declared fields, typed only as Field by the stubs.
        cast(forms.ChoiceField, self.fields["role"]).choices = [(r.value, r.label) for r in roles]
        find_one_field(self, "school").rows = scope_choices(SCHOOL)
        cast("forms.ModelChoiceField[Panel]", self.fields["panel"]).queryset = scope_choices(PANEL)
        self.fields["started_on"] = govuk_date_field(
            "Start date", required=False, help_text="Leave blank to start today. For example, 27 3 2026"
        )
        self.fields["ended_on"] = govuk_date_field(
            "End date (optional)", required=False, help_text="Access ends at the start of this day."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("role", legend_size="m"),
            Field.text("school", field_width=Fluid.TWO_THIRDS),
            Field.select("team"),
            Field.select("panel"),
            Field.text("agency", field_width=Fluid.TWO_THIRDS),
            Field("started_on"),
            Field("ended_on"),
            Button("submit", "Add role", data_prevent_double_click="true"),
        )
        self.helper.render_hidden_fields = True  # the one-time token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") != "dsl":
            # Only a DSL's role has a school (the service keeps only the scope the role needs): a school typed
            # for another role is set aside, not an error.
            self.errors.pop("school", None)
            data["school"] = None
        return data


class ConfirmForm(forms.Form):
    """A confirmation page's form: nothing to fill in, one button."""

    def __init__(self, *args: Any, submit_label: str, warning: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True  # a one-time token, where a subclass adds one
        button = Button("submit", submit_label, data_prevent_double_click="true")
        if warning:
            button = Button.warning("submit", submit_label, data_prevent_double_click="true")
        self.helper.layout = Layout(button)


class OnceConfirmForm(IdempotentFormMixin, ConfirmForm):
    """A one-button form whose POST makes something: a double click makes it once."""


class EndRoleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)  # the person's, when the page was opened

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ended_on"] = govuk_date_field(
            "Date the role ends",
            required=False,
            help_text="Leave blank to end it today, at once. Access ends at the start of this day.",
        )
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Field("ended_on"),
            Button.warning("submit", "Remove role", data_prevent_double_click="true"),
        )


class SetPasswordForm(DjangoSetPasswordForm):
    """A new password, checked by every one of the project's password validators. Django's form (whose
    matching and validation it keeps) with the portal's labels and messages, as PasswordResetConfirmView
    expects."""

    error_messages = {"password_mismatch": "The passwords do not match"}

    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        help_text="At least 12 characters. Not a common password, and not like your name or email address.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    new_password2 = forms.CharField(
        label="Confirm new password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the new password again"},
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("new_password1"),
            Field("new_password2"),
            Button("submit", "Set password", data_prevent_double_click="true"),
        )


class RetentionScheduleForm(forms.ModelForm):  # type: ignore[type-arg]
    """The retention schedule's periods (core.RetentionSettings), with the version the page was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = RetentionSettings
        fields = ["case_years", "referral_years", "draft_days", "audit_years", "sign_in_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            field = self.fields[name]
            field.label = str(field.label).capitalize()
            field.error_messages["required"] = f"Enter {str(field.label).lower()}"
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            *(Field.text(name, field_width=Fixed.FIVE) for name in self.Meta.fields),
            Button("submit", "Save the schedule", data_prevent_double_click="true"),
        )
