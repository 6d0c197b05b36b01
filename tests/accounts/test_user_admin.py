"""User administration: who may use it, invitations and the set-password link, roles and their scopes,
deactivation that ends every session at once. Each change is audited."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership, User, UserSession
from accounts.permissions import access_for, forget_access
from accounts.roles import Role
from accounts.services import membership_assign
from core.idempotency import form_token_mint
from core.models import AuditEvent
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.accounts.support import link_in, sign_in_fully, sign_in_with_password
from tests.support.exports import csv_rows
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


def _date(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


@pytest.mark.parametrize("fixture", ["adviser", "dsl", "csc_practitioner", "panel_chair", "scrutiny", "no_role_user"])
def test_people_who_do_not_manage_users_get_404_on_every_user_page(request, client_for, dsl, fixture):
    client = client_for(request.getfixturevalue(fixture))
    for url in ["/accounts/users/", "/accounts/users/invite/", f"/accounts/users/{dsl.pk}/"]:
        assert client.get(url).status_code == 404, url
    response = client.post(f"/accounts/users/{dsl.pk}/deactivate/")
    assert response.status_code == 404
    assert User.objects.get(pk=dsl.pk).is_active


def test_user_list_shows_roles_status_and_last_sign_in(client_for, coordinator, dsl, school):
    never = UserFactory(full_name="Nina Never", totp=False)
    page = client_for(coordinator).get("/accounts/users/").content.decode()
    assert "Dee Eskay" in page
    assert "Designated safeguarding lead (Larkhill Primary School)" in page
    assert "Nina Never" in page and "Invited" in page
    filtered = client_for(coordinator).get("/accounts/users/", {"role": Role.DSL}).content.decode()
    assert "Dee Eskay" in filtered and "Nina Never" not in filtered
    searched = client_for(coordinator).get("/accounts/users/", {"q": "nina"}).content.decode()
    assert "Nina Never" in searched and "Dee Eskay" not in searched
    assert never.pk


def test_user_list_query_count_does_not_grow_with_users(client_for, sysadmin, school):
    """40 users, then 4,000 (with 6,000 roles): the same number of queries for the page and for a filter."""
    client = client_for(sysadmin)

    def add(count: int, start: int) -> None:
        users = User.objects.bulk_create(
            [User(email=f"bulk{i}@example.test", full_name=f"Bulk Person {i:05d}") for i in range(start, start + count)]
        )
        Membership.objects.bulk_create(
            [Membership(user=u, role=Role.DSL, school=school) for u in users]
            + [Membership(user=u, role=Role.ADVISER) for u in users[: count // 2]]
        )

    add(40, 0)
    count = assert_flat_queries(fetch=lambda: client.get("/accounts/users/"), grow=lambda: add(1980, 40))
    filtered = assert_flat_queries(
        fetch=lambda: client.get("/accounts/users/", {"role": Role.DSL, "q": "bulk", "page": "2"}),
        grow=lambda: add(1980, 2020),
    )
    assert count <= 12 and filtered <= 12


def test_invitation_sends_a_one_time_link_that_sets_a_password_but_never_skips_the_second_factor(
    client, client_for, coordinator, django_capture_on_commit_callbacks
):
    admin = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/accounts/users/invite/",
            {
                "form_token": form_token_mint(),
                "full_name": "Imogen Vale",
                "email": "Imogen.Vale@Example.test",
                "job_title": "Head teacher",
            },
        )
    invited = User.objects.get(email="imogen.vale@example.test")
    assert response.status_code == 302 and response.url == f"/accounts/users/{invited.pk}/roles/add/"
    assert not invited.has_usable_password()
    assert AuditEvent.objects.filter(
        action="accounts.user_invited", object_id=str(invited.pk), actor=coordinator
    ).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["imogen.vale@example.test"]
    link = link_in(mail.outbox[0].body)

    landing = client.get(link)
    assert landing.status_code == 302 and landing.url.endswith("/set-password/")  # token moved out of the URL
    form_url = landing.url
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert "govuk-error-summary" in short.content.decode()
    assert "at least 12 characters" in short.content.decode()
    common = client.post(form_url, {"new_password1": "password1234", "new_password2": "password1234"})
    assert "too common" in common.content.decode()
    done = client.post(
        form_url, {"new_password1": "lantern-orchard-velvet-42", "new_password2": "lantern-orchard-velvet-42"}
    )
    assert done.status_code == 302 and done.url == "/accounts/sign-in/"
    assert AuditEvent.objects.filter(action="accounts.password_set", object_id=str(invited.pk)).exists()

    # The link works once.
    again = client.get(link)
    assert again.status_code == 200 and "This link does not work" in again.content.decode()

    # Setting a password does not sign in, and the password alone shows nothing: enrolment comes next.
    assert client.get("/").status_code == 302
    sign_in_with_password(client, invited, "lantern-orchard-velvet-42")
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/accounts/two-factor/set-up/"


def test_a_sign_in_link_for_an_existing_user_still_asks_for_their_authenticator(
    client, client_for, sysadmin, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(sysadmin).post(f"/accounts/users/{dsl.pk}/send-sign-in-link/")
    assert AuditEvent.objects.filter(action="accounts.sign_in_link_sent", object_id=str(dsl.pk)).exists()
    form_url = client.get(link_in(mail.outbox[0].body)).url
    client.post(form_url, {"new_password1": "copper-meadow-lantern-7", "new_password2": "copper-meadow-lantern-7"})
    response = sign_in_with_password(client, dsl, "copper-meadow-lantern-7")
    assert response.url.startswith("/accounts/two-factor/")
    assert client.get("/schools/").status_code == 302


def test_inviting_an_existing_address_shows_an_error_and_changes_nothing(client_for, coordinator, dsl):
    before = User.objects.count()
    response = client_for(coordinator).post(
        "/accounts/users/invite/", {"form_token": form_token_mint(), "full_name": "Someone", "email": dsl.email.upper()}
    )
    assert response.status_code == 200
    assert "There is already an account with this email address." in response.content.decode()
    assert User.objects.count() == before
    assert not mail.outbox


def test_coordinator_assigns_a_dsl_role_with_its_school_and_it_is_audited(client_for, coordinator, school, today):
    person = UserFactory(full_name="New Lead")
    client = client_for(coordinator)
    missing = client.post(
        f"/accounts/users/{person.pk}/roles/add/", {"form_token": form_token_mint(), "role": Role.DSL}
    )
    assert "Select the school this designated safeguarding lead is for" in missing.content.decode()
    assert not Membership.objects.filter(user=person).exists()

    response = client.post(
        f"/accounts/users/{person.pk}/roles/add/",
        {"form_token": form_token_mint(), "role": Role.DSL, "school": str(school.urn)},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.role, membership.school_id, membership.started_on) == (Role.DSL, school.pk, today)
    event = AuditEvent.objects.get(action="accounts.role_assigned", object_id=str(person.pk))
    assert event.actor == coordinator
    assert event.changes["role"] == {"old": None, "new": Role.DSL}
    assert event.changes["school"] == {"old": None, "new": school.pk}
    forget_access(person)
    assert access_for(person).school_ids == {school.pk}


def test_panel_member_role_keeps_panel_agency_and_dates_and_drops_other_scopes(
    client_for, sysadmin, panel, school, today
):
    person = UserFactory()
    later = today.replace(year=today.year + 1)
    response = client_for(sysadmin).post(
        f"/accounts/users/{person.pk}/roles/add/",
        {
            "form_token": form_token_mint(),
            "role": Role.PANEL_MEMBER,
            "panel": panel.pk,
            "school": school.pk,
            "agency": "Probation",
            **_date("ended_on", later),
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert (membership.panel_id, membership.school_id, membership.agency, membership.ended_on) == (
        panel.pk,
        None,
        "Probation",
        later,
    )


def test_coordinator_cannot_give_the_system_administrator_role(client_for, coordinator):
    person = UserFactory()
    page = client_for(coordinator).get(f"/accounts/users/{person.pk}/roles/add/").content.decode()
    assert "System administrator" not in page
    response = client_for(coordinator).post(
        f"/accounts/users/{person.pk}/roles/add/", {"form_token": form_token_mint(), "role": Role.SYSADMIN}
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    with pytest.raises(PermissionError):
        membership_assign(actor=coordinator, user=person, role=Role.SYSADMIN)
    assert not Membership.objects.filter(user=person).exists()


def test_coordinator_sees_but_cannot_manage_a_system_administrator(client_for, coordinator, sysadmin):
    client = client_for(coordinator)
    detail = client.get(f"/accounts/users/{sysadmin.pk}/")
    assert detail.status_code == 200
    assert "Only a system administrator can change" in detail.content.decode()
    membership = sysadmin.memberships.get()
    for url in [
        f"/accounts/users/{sysadmin.pk}/roles/add/",
        f"/accounts/users/{sysadmin.pk}/roles/{membership.pk}/end/",
        f"/accounts/users/{sysadmin.pk}/deactivate/",
        f"/accounts/users/{sysadmin.pk}/send-sign-in-link/",
    ]:
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    assert User.objects.get(pk=sysadmin.pk).is_active
    assert Membership.objects.get(pk=membership.pk).ended_on is None


def test_removing_a_role_ends_it_today_keeps_the_row_and_access_goes_at_once(
    client_for, coordinator, dsl, school, today
):
    membership = dsl.memberships.get()
    response = client_for(coordinator).post(
        f"/accounts/users/{dsl.pk}/roles/{membership.pk}/end/", {"version": User.objects.get(pk=dsl.pk).version}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.ended_on == today
    assert Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="accounts.role_ended", object_id=str(dsl.pk))
    assert event.changes["ended_on"] == {"old": None, "new": today.isoformat()}
    forget_access(dsl)
    assert access_for(dsl).school_ids == frozenset()
    again = client_for(coordinator).post(
        f"/accounts/users/{dsl.pk}/roles/{membership.pk}/end/", {"version": User.objects.get(pk=dsl.pk).version}
    )
    assert "This role has already ended" in again.content.decode()


def test_a_membership_of_another_user_is_not_found_through_this_users_url(client_for, coordinator, dsl, other_dsl):
    other = other_dsl.memberships.get()
    response = client_for(coordinator).post(f"/accounts/users/{dsl.pk}/roles/{other.pk}/end/", {"version": dsl.version})
    assert response.status_code == 404
    assert Membership.objects.get(pk=other.pk).ended_on is None


def test_deactivation_ends_every_session_at_once_and_blocks_sign_in(client, client_for, coordinator, dsl):
    laptop, phone = client_for(dsl), client_for(dsl)
    assert laptop.get("/").status_code == 200 and phone.get("/").status_code == 200
    keys = list(UserSession.objects.filter(user=dsl).values_list("session_key", flat=True))
    assert len(keys) == 2 and Session.objects.filter(session_key__in=keys).count() == 2

    response = client_for(coordinator).post(f"/accounts/users/{dsl.pk}/deactivate/")
    assert response.status_code == 302
    assert not User.objects.get(pk=dsl.pk).is_active
    for device in (laptop, phone):
        answer = device.get("/")
        assert answer.status_code == 302 and answer.url.startswith("/accounts/sign-in/")
    assert not Session.objects.filter(session_key__in=keys).exists()
    event = AuditEvent.objects.get(action="accounts.user_deactivated", object_id=str(dsl.pk))
    assert event.detail == "2 sessions ended" and event.changes == {"is_active": {"old": True, "new": False}}

    refused = sign_in_with_password(client, dsl)
    assert refused.status_code == 200
    assert "Enter a correct email address and password." in refused.content.decode()

    client_for(coordinator).post(f"/accounts/users/{dsl.pk}/reactivate/")
    assert User.objects.get(pk=dsl.pk).is_active
    assert AuditEvent.objects.filter(action="accounts.user_reactivated", object_id=str(dsl.pk)).exists()
    sign_in_fully(client, dsl)


def test_nobody_deactivates_their_own_account(client_for, sysadmin):
    response = client_for(sysadmin).post(f"/accounts/users/{sysadmin.pk}/deactivate/")
    assert response.status_code == 200
    assert "You cannot deactivate your own account" in response.content.decode()
    assert User.objects.get(pk=sysadmin.pk).is_active


def test_a_system_administrator_cannot_remove_their_own_administrator_role(sysadmin):
    from accounts.services import membership_end

    with pytest.raises(ValidationError):
        membership_end(actor=sysadmin, membership=sysadmin.memberships.get())


def test_deactivation_rolls_back_when_its_audit_event_cannot_be_written(coordinator, monkeypatch):
    """The change and its audit event are one transaction: no event, no change."""
    from accounts.services import users as user_services

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(user_services, "audit_record", broken)
    person = MembershipFactory(role=Role.ADVISER).user
    with pytest.raises(RuntimeError):
        user_services.user_deactivate(actor=coordinator, user=person)
    assert User.objects.get(pk=person.pk).is_active


def test_the_school_is_found_by_urn_or_a_name_that_matches_only_one(client_for, coordinator, school, other_school):
    from tests.schools.factories import SchoolFactory

    SchoolFactory(name="Larkhill Secondary School")
    person = UserFactory()
    url = f"/accounts/users/{person.pk}/roles/add/"
    client = client_for(coordinator)
    many = client.post(url, {"form_token": form_token_mint(), "role": Role.DSL, "school": "larkhill"}).content.decode()
    assert "More than one school matches" in many and f"Larkhill Primary School (URN {school.urn})" in many
    assert 'name="school_choice"' in many and "Which school?" in many  # listed to choose from
    none = client.post(
        url, {"form_token": form_token_mint(), "role": Role.DSL, "school": "Nowhere Academy"}
    ).content.decode()
    assert "No open school has that URN or name" in none
    assert (
        client.post(url, {"form_token": form_token_mint(), "role": Role.DSL, "school": "quayside academy"}).status_code
        == 302
    )
    assert Membership.objects.get(user=person).school == other_school
    # Choosing one of those listed: the choice counts with the text it was listed for.
    second = UserFactory()
    picked = client.post(
        f"/accounts/users/{second.pk}/roles/add/",
        {"form_token": form_token_mint(), "role": Role.DSL, "school": "larkhill", "school_choice": str(school.pk)},
    )
    assert picked.status_code == 302 and Membership.objects.get(user=second).school == school


def test_user_list_sorts_by_its_headers_and_exports_what_it_shows(client_for, coordinator, dsl, school):
    UserFactory(full_name="=cmd Formula", totp=False)
    client = client_for(coordinator)
    page = client.get("/accounts/users/", {"sort": "-name"}).content.decode()
    assert page.index("Dee Eskay") < page.index("=cmd Formula")
    assert 'aria-sort="descending"' in page and "/accounts/users/export/?sort=-name" in page
    rows = csv_rows(client.get("/accounts/users/export/", {"role": Role.DSL}))
    assert rows[0] == ["Name", "Email", "Roles", "Last sign-in", "Status"]
    assert [r[0] for r in rows[1:]] == ["Dee Eskay"]
    assert "Designated safeguarding lead" in rows[1][2]
    rows = csv_rows(client.get("/accounts/users/export/", {"q": "formula"}))
    assert rows[1][0] == "'=cmd Formula"
    event = AuditEvent.objects.filter(action="accounts.users_exported").latest("id")
    assert event.detail == "1 rows; filters: q; sort: name"


@pytest.mark.parametrize("fixture", ["adviser", "dsl", "csc_practitioner", "scrutiny"])
def test_people_who_do_not_manage_users_may_not_export_them(request, client_for, fixture):
    assert client_for(request.getfixturevalue(fixture)).get("/accounts/users/export/").status_code == 404


def test_user_export_query_count_does_not_grow_with_users(client_for, sysadmin, school):
    client = client_for(sysadmin)

    def add(count: int, start: int) -> None:
        users = User.objects.bulk_create(
            [
                User(email=f"exp{i}@example.test", full_name=f"Export Person {i:05d}")
                for i in range(start, start + count)
            ]
        )
        Membership.objects.bulk_create([Membership(user=u, role=Role.DSL, school=school) for u in users])

    add(40, 0)
    assert_flat_queries(
        fetch=lambda: client.get("/accounts/users/export/", {"role": Role.DSL, "sort": "last_sign_in"}),
        grow=lambda: add(400, 40),
    )
