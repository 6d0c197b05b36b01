from __future__ import annotations

import factory

from schools.models import (
    Contact,
    ContactRole,
    Institution,
    InstitutionKind,
    MeetingKind,
    NetworkMeeting,
    Phase,
    School,
    SchoolType,
    Status,
    SupportTier,
    Visit,
    VisitAction,
    VisitKind,
    VisitPurpose,
)
from schools.services.visits import school_last_visit_refresh
from tests.support.clock import from_today


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 100000 + n)
    la_code = "888"
    la_name = "Northbrook"
    name = factory.Sequence(lambda n: f"Test School {n}")
    phase = Phase.PRIMARY
    phase_name = "Primary"
    school_type = SchoolType.MAINTAINED
    status = Status.OPEN
    ward = "Northbrook Central"
    postcode = factory.Sequence(lambda n: f"NB1 {n % 9 + 1}AA")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Test Institution {n}")
    kind = InstitutionKind.VOLUNTARY


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    school = factory.SubFactory(SchoolFactory)
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    role = ContactRole.DSL
    email = factory.Sequence(lambda n: f"staff{n}@school.example")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    school = factory.SubFactory(SchoolFactory)
    adviser = factory.SubFactory("tests.accounts.factories.UserFactory")
    visited_on = factory.LazyFunction(lambda: from_today(-53))  # 1 October 2026 when frozen
    kind = VisitKind.VISIT
    offer_level = SupportTier.UNIVERSAL
    purpose = VisitPurpose.CHECK_IN

    @classmethod
    def _create(cls, model_class: type[Visit], *args: object, **kwargs: object) -> Visit:
        # Saved directly, not through visit_log: keep the school's last visit as the services do.
        visit = super()._create(model_class, *args, **kwargs)
        school_last_visit_refresh(school_id=visit.school_id)
        return visit


class VisitActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitAction

    visit = factory.SubFactory(VisitFactory)
    school = factory.SelfAttribute("visit.school")
    description = factory.Sequence(lambda n: f"Send the updated risk assessment template {n}")
    owner = factory.SelfAttribute("visit.adviser")
    due_on = factory.LazyFunction(lambda: from_today(8))  # 1 December 2026 when frozen


class NetworkMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMeeting

    title = factory.Sequence(lambda n: f"DSL network meeting {n}")
    held_on = factory.LazyFunction(lambda: from_today(-39))  # 15 October 2026 when frozen
    kind = MeetingKind.NETWORK
