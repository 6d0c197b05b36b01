"""Account pages that create or edit: a double-submitted invitation, role or set of backup codes makes one and
the second answer goes to the same place; a person's details or roles changed by someone else since the page was
opened refuse the save, with their values shown and the typed ones kept."""

from __future__ import annotations

import pytest
from django.core import mail
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.models import Membership, User
from accounts.roles import Role
from accounts.services import membership_assign, user_update
from core.idempotency import form_token_mint
from core.locking import STALE_MESSAGE

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def _twice(client, url: str, data: dict[str, object]) -> tuple[object, object]:
    return client.post(url, data), client.post(url, data)


def test_a_double_submitted_invitation_makes_one_account_and_sends_one_email(
    client_for, coordinator, django_capture_on_commit_callbacks
):
    data = {"form_token": form_token_mint(), "full_name": "Imogen Vale", "email": "imogen.vale@example.test"}
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _twice(client_for(coordinator), "/accounts/users/invite/", data)
    invited = User.objects.get(email="imogen.vale@example.test")
    assert first.url == second.url == f"/accounts/users/{invited.pk}/roles/add/"
    assert len(mail.outbox) == 1


def test_a_double_submitted_role_makes_one_membership(client_for, coordinator):
    person = UserFactory()
    data = {"form_token": form_token_mint(), "role": Role.ADVISER}
    first, second = _twice(client_for(coordinator), f"/accounts/users/{person.pk}/roles/add/", data)
    assert Membership.objects.filter(user=person).count() == 1
    assert first.url == second.url == f"/accounts/users/{person.pk}/"


def test_a_double_submitted_new_backup_codes_makes_one_set_and_shows_it_both_times(client_for, adviser):
    me = client_for(adviser)
    data = {"form_token": form_token_mint()}
    first = me.post("/accounts/two-factor/backup-codes/new/", data, follow=True).content.decode()
    second = me.post("/accounts/two-factor/backup-codes/new/", data, follow=True).content.decode()
    device = StaticDevice.objects.get(user=adviser)
    codes = list(device.token_set.values_list("token", flat=True))
    assert len(codes) == 10 and all(code in first and code in second for code in codes)


def test_a_coordinator_changes_a_persons_name_and_job_title(client_for, coordinator):
    person = UserFactory(full_name="Ann Other")
    page = client_for(coordinator).get(f"/accounts/users/{person.pk}/edit/").content.decode()
    assert 'name="version"' in page
    data = {"full_name": "Ann Someone", "job_title": "Head teacher", "version": person.version}
    assert client_for(coordinator).post(f"/accounts/users/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.job_title, person.version) == ("Ann Someone", "Head teacher", 2)


def test_details_changed_by_someone_else_meanwhile_are_refused_and_the_typed_values_kept(
    client_for, coordinator, sysadmin
):
    person = UserFactory(full_name="Ann Other")
    opened_at = person.version
    user_update(actor=sysadmin, user=User.objects.get(pk=person.pk), expected_version=opened_at, full_name="Their Name")
    data = {"full_name": "My Name", "job_title": "", "version": opened_at}
    response = client_for(coordinator).post(f"/accounts/users/{person.pk}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert STALE_MESSAGE in page and "Their Name" in page and 'value="My Name"' in page
    assert User.objects.get(pk=person.pk).full_name == "Their Name"


def test_ending_a_role_after_someone_else_changed_the_persons_roles_is_refused(client_for, coordinator, sysadmin):
    person = UserFactory()
    adviser_role = membership_assign(actor=sysadmin, user=person, role=Role.ADVISER)
    opened_at = User.objects.get(pk=person.pk).version
    membership_assign(actor=sysadmin, user=User.objects.get(pk=person.pk), role=Role.SCRUTINY)
    url = f"/accounts/users/{person.pk}/roles/{adviser_role.pk}/end/"
    response = client_for(coordinator).post(url, {"version": opened_at})
    assert STALE_MESSAGE in response.content.decode()
    assert Membership.objects.get(pk=adviser_role.pk).ended_on is None
