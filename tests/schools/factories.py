from __future__ import annotations

import factory

from schools.models import Contact, ContactRole, Institution, InstitutionKind, Phase, School, SchoolType, Status


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
