from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from channel.models.cases import Case, Stage, SupportItem, SupportKind
from channel.models.meetings import Action, Meeting
from channel.models.panels import Panel, PanelKind
from referrals.models import Status
from tests.accounts.factories import UserFactory
from tests.referrals.factories import ReferralFactory


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    name = factory.Sequence(lambda n: f"Test Panel {n}")
    kind = PanelKind.CHANNEL


class CaseFactory(factory.django.DjangoModelFactory):
    """A case at information gathering, opened today from a referral sent to its panel."""

    class Meta:
        model = Case

    panel = factory.SubFactory(PanelFactory)
    # Whose consent is needed follows the date of birth: an adult unless is_under_18 says otherwise.
    referral = factory.SubFactory(
        ReferralFactory,
        status=Status.AT_PANEL,
        date_of_birth=factory.LazyAttribute(
            lambda o: date(2012, 5, 1) if o.factory_parent.is_under_18 else date(1995, 3, 1)
        ),
        age_at_referral=factory.LazyAttribute(lambda o: 14 if o.factory_parent.is_under_18 else 31),
    )
    stage = Stage.INFORMATION_GATHERING
    is_under_18 = False
    opened_on = factory.LazyFunction(timezone.localdate)
    stage_changed_on = factory.LazyFunction(timezone.localdate)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    panel = factory.SubFactory(PanelFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class SupportItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportItem

    case = factory.SubFactory(CaseFactory)
    kind = SupportKind.MAINSTREAM
    provider = "Youth mentoring service"
    starts_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    meeting = factory.SubFactory(MeetingFactory)
    description = "Ask the school for attendance figures"
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    created_by = factory.LazyAttribute(lambda o: o.owner)


def adopted(case: Case, on: date | None = None) -> Case:
    """Moves a factory case straight to adopted (for tests that start after the panel's decision)."""
    on = on or timezone.localdate()
    Case.objects.filter(pk=case.pk).update(stage=Stage.ADOPTED, adopted_on=on, discussed_on=on, stage_changed_on=on)
    case.refresh_from_db()
    return case
