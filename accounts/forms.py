from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Fluid, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm


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

    def __init__(self, request: Any = None, *args: Any, **kwargs: Any) -> None:
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
