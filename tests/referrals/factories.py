from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from referrals.models import (
    ConcernType,
    Gender,
    Indicator,
    Referral,
    RoutingSettings,
    ScreeningQuestion,
    Sector,
    SignpostService,
    Status,
)
from tests.accounts.factories import UserFactory


class ReferralFactory(factory.django.DjangoModelFactory):
    """A submitted referral (status New) unless told otherwise."""

    class Meta:
        model = Referral

    created_by = factory.SubFactory(UserFactory)
    status = Status.NEW
    reference = factory.Sequence(lambda n: f"NB-2026-{90000 + n:05d}")
    submitted_at = factory.LazyFunction(timezone.now)
    submitted_on = factory.LazyFunction(timezone.localdate)
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Testperson{n}")
    date_of_birth = date(2012, 5, 1)
    age_at_referral = 14
    gender = Gender.MALE
    referrer_sector = Sector.EDUCATION
    referrer_organisation = "Larkhill Primary School"
    referrer_name = "Dee Eskay"
    referrer_email = "dsl@school.example"
    concern_type = factory.LazyFunction(lambda: ConcernType.objects.order_by("order").first())
    concern_type_label = factory.LazyAttribute(lambda o: o.concern_type.label if o.concern_type else "")
    narrative = "Talked in class about a video."
    came_to_light = "Teacher heard it."


class DraftReferralFactory(ReferralFactory):
    status = Status.DRAFT
    reference = None
    submitted_at = None
    submitted_on = None


class RoutingSettingsFactory(factory.django.DjangoModelFactory):
    """The council's one routing row (pk 1)."""

    class Meta:
        model = RoutingSettings
        django_get_or_create = ("id",)

    id = 1


class ConcernTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConcernType

    label = factory.Sequence(lambda n: f"Test concern {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    label = factory.Sequence(lambda n: f"Test indicator {n}")


class ScreeningQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScreeningQuestion

    label = factory.Sequence(lambda n: f"Test question {n}?")


class SignpostServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignpostService

    label = factory.Sequence(lambda n: f"Test service {n}")
