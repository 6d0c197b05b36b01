"""What the training forms share: number inputs, the submit button and the choices of trainer."""

from __future__ import annotations

from crispy_forms_gds.layout import Button
from django import forms
from django.db.models import QuerySet

from accounts.models import Membership, User
from accounts.roles import Role
from schools.models import Contact

from ..catalogue import TRAIN_THE_TRAINER_CODES


def _number_widget(width: int = 5, *, decimal: bool = False) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "class": f"govuk-input govuk-input--width-{width}",
            "inputmode": "decimal" if decimal else "numeric",
            "spellcheck": "false",
        }
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
