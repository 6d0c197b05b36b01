"""Idempotent creates (core/idempotency.py): the same one-time token makes one record, whoever asks twice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.idempotency import IdempotentFormMixin, create_once, form_token_mint
from core.models import SpentFormToken
from schools.models import Institution, School
from tests.schools.factories import InstitutionFactory, SchoolFactory
from tests.support.concurrency import at_once

pytestmark = pytest.mark.django_db


def test_a_replayed_token_returns_the_first_record_and_creates_nothing(coordinator):
    token = form_token_mint()
    first = create_once(token=token, actor=coordinator, model=School, create=lambda: SchoolFactory())
    again = create_once(token=token, actor=coordinator, model=School, create=lambda: SchoolFactory())
    assert again.pk == first.pk
    assert School.objects.count() == 1 and SpentFormToken.objects.count() == 1


def test_a_failed_create_does_not_spend_the_token(coordinator):
    token = form_token_mint()

    def refuse() -> School:
        raise ValidationError("Enter the name")

    with pytest.raises(ValidationError):
        create_once(token=token, actor=coordinator, model=School, create=refuse)
    made = create_once(token=token, actor=coordinator, model=School, create=lambda: SchoolFactory())
    assert School.objects.filter(pk=made.pk).exists()


def test_someone_elses_token_is_refused_not_answered_with_their_record(coordinator, adviser):
    token = form_token_mint()
    create_once(token=token, actor=coordinator, model=School, create=lambda: SchoolFactory())
    with pytest.raises(ValidationError):
        create_once(token=token, actor=adviser, model=School, create=lambda: SchoolFactory())
    with pytest.raises(ValidationError):
        create_once(token=token, actor=coordinator, model=Institution, create=lambda: InstitutionFactory())
    assert School.objects.count() == 1 and Institution.objects.count() == 0


def test_no_token_just_creates(coordinator):
    create_once(token=None, actor=coordinator, model=School, create=lambda: SchoolFactory())
    create_once(token=None, actor=coordinator, model=School, create=lambda: SchoolFactory())
    assert School.objects.count() == 2 and not SpentFormToken.objects.exists()


def test_the_form_mints_a_token_when_drawn_and_keeps_the_posted_one():
    class MakeForm(IdempotentFormMixin):
        pass

    drawn, redrawn = MakeForm(), MakeForm()
    assert drawn["form_token"].value() != redrawn["form_token"].value()
    posted = MakeForm(data={"form_token": drawn["form_token"].value()})
    assert posted.is_valid() and posted.cleaned_data["form_token"] == drawn["form_token"].value()
    assert not MakeForm(data={}).is_valid()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two requests at once need PostgreSQL's row locks")
def test_two_requests_at_once_with_one_token_make_one_record(coordinator):
    for _ in range(20):
        token = form_token_mint()

        def post(token: str = token) -> int:
            return create_once(token=token, actor=coordinator, model=School, create=lambda: SchoolFactory()).pk

        first, second = at_once(post, post)
        assert isinstance(first, int) and first == second
    assert School.objects.count() == 20
