from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Team, User
from accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def totp(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Every test user has a confirmed authenticator, as every real user must."""
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="Test authenticator", confirmed=True)
            self.save()


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"CSC Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COORDINATOR
