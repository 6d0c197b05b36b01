"""Idempotent creates: the portal's one way to make a double-clicked "Save" create one record.

Every form that creates a record carries a one-time token (`FormTokenField`, minted when the form is drawn). The
create service is wrapped in `create_once`: in the service's own transaction it first spends the token (a row in
`SpentFormToken`, unique on the token), then creates the record and notes what it made. A second POST with the
same token cannot spend it again: it waits for the first transaction (the unique index holds it on PostgreSQL;
SQLite runs one writer at a time) and then gets the record the first POST made, so the view redirects to it and
nothing new is created. Stripe's idempotency keys are the model people know.

A token belongs to the person who spent it and to one kind of record: the same token from someone else, or for
another kind of record, is refused rather than answered with someone else's record.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .models import SpentFormToken

M = TypeVar("M", bound=models.Model)

TOKEN_FIELD = "form_token"
REUSED_MESSAGE = "This form was already used. Open it again to make another record."


def form_token_mint() -> str:
    return uuid.uuid4().hex


class FormTokenField(forms.CharField):
    """A hidden field holding the form's one-time token, minted afresh each time an unbound form is drawn; a
    bound form (a failed submit shown again) keeps the token it was posted with, so correcting an error and
    saving still makes one record."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", True)
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("min_length", 16)
        kwargs.setdefault("error_messages", {"required": REUSED_MESSAGE, "min_length": REUSED_MESSAGE})
        super().__init__(initial=form_token_mint, **kwargs)


class IdempotentFormMixin(forms.Form):
    """Adds the one-time token to a create form. The view passes `form.cleaned_data["form_token"]` to the
    service, which passes it to `create_once`."""

    form_token = FormTokenField()


def create_once(*, token: str | None, actor: Any, model: type[M], create: Callable[[], M]) -> M:
    """Runs `create` once per token: the first call spends the token and returns what `create` made; any later
    call with the same token returns that same record without calling `create`.

    `token=None` (a command, a task or the demo seeder: no form was drawn) just creates.
    """
    if token is None:
        with transaction.atomic():
            return create()
    content_type = ContentType.objects.get_for_model(model)
    try:
        with transaction.atomic():
            spent = SpentFormToken.objects.create(token=token, user=actor, content_type=content_type)
            made = create()
            SpentFormToken.objects.filter(pk=spent.pk).update(object_id=str(made.pk))
            return made
    except IntegrityError:
        # The token was spent already (this is a replay), or the create itself broke a constraint. Tell which.
        first = SpentFormToken.objects.filter(token=token).first()
        if first is None:
            raise
    if first.user_id != getattr(actor, "pk", None) or first.content_type_id != content_type.pk or not first.object_id:
        raise ValidationError(REUSED_MESSAGE, code="token_reused")
    return model._default_manager.get(pk=first.object_id)
