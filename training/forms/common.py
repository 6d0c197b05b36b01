"""What the training forms share: number inputs, the submit button and the choices of trainer."""

from __future__ import annotations

from functools import reduce
from operator import and_

from crispy_forms_gds.layout import Button
from django import forms
from django.db.models import Q, QuerySet

from accounts.models import Membership, User
from accounts.roles import Role
from core.finding import FindOneField, typed_words
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


def accredited_trainers(*, also: int | None = None) -> QuerySet[Contact]:
    """School staff who have been on a train-the-trainer course and are still at their school (and `also`, the
    contact a session already names, so that editing the session keeps them after they have left)."""
    from ..models import Attendee

    # An uncorrelated IN: PostgreSQL hashes the few thousand trained contacts once (a correlated EXISTS beside
    # the OR ran once per contact, 1.2 s at national scale).
    trained = Attendee.objects.filter(
        contact_id__isnull=False, attendance__session__course__code__in=TRAIN_THE_TRAINER_CODES
    ).values("contact_id")
    accredited = Q(is_current=True, pk__in=trained)
    return (
        Contact.objects.filter(accredited | Q(pk=also) if also else accredited)
        .select_related("school")
        .order_by("full_name", "id")
    )


def _contact_label(contact: Contact) -> str:
    return f"{contact.full_name}, {contact.school.name}"


def _contacts_matching(rows: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    """Every word in the name, e-mail address or school name; a number is the school's URN."""
    words = typed_words(text)
    if not words:
        return rows.none()
    return rows.filter(reduce(and_, (_contact_word(w) for w in words)))


def _contact_word(word: str) -> Q:
    if word.isdigit():  # a number is a URN (indexed), not part of a name
        return Q(school__urn=int(word)) if len(word) < 10 else Q(pk__in=[])
    return Q(full_name__icontains=word) | Q(email__icontains=word) | Q(school__name__icontains=word)


def _contact_named(rows: QuerySet[Contact], text: str) -> QuerySet[Contact]:
    return rows.filter(email__iexact=text) if "@" in text else rows.filter(full_name__iexact=text)


def trainer_contact_field() -> FindOneField:
    """An accredited trainer at a school, typed: tens of thousands of contacts are too many for a list."""
    return FindOneField(
        label="Accredited trainer at a school (optional)",
        help_text="Their name or email address, or the school's name or URN.",
        required=False,
        match=_contacts_matching,
        exact=_contact_named,
        label_of=_contact_label,
        only=("full_name", "email", "school__name", "school__urn"),
        none="No accredited trainer at a school matches that. Check the spelling, or try their email address",
        several="More than one accredited trainer matches ‘{text}’: choose one",
        legend="Which accredited trainer?",
    )
