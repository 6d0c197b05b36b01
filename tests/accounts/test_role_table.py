"""The role table, as PRODUCT.md ("What each role may do") gives it, against accounts.permissions.CAPABILITIES.
A capability says a role may use that part of the portal at all; "own school / team / panels" is applied by
each app's selectors and checked by the URL walk and the apps' scope tests."""

from __future__ import annotations

import pytest

from accounts.permissions import CAPABILITIES, Capability, has_capability
from accounts.roles import Role

COLUMNS = ["coordinator", "adviser", "dsl", "csc_practitioner", "panel_chair", "panel_member", "scrutiny", "sysadmin"]

# x = the role holds the capability. One line per capability, columns as COLUMNS.
TABLE = """
schools_view                 x x x x x x . .
schools_edit_any             x x . . . . . .
schools_import               x . . . . . . .
visits_view                  x x x . . . . .
visits_edit                  x x . . . . . .
training_view                x x x x . . . .
training_edit                x x . . . . . .
uptake_view                  x x x x . . . .
referral_make                x x x x . . . .
referral_view                x x x x x x . .
referral_triage              x . . x . . . .
referral_configure           x . . . . . . .
cases_view                   x . . x x x . .
cases_admin                  x . . . x . . .
people_match                 x . . . . . . .
subject_access               x . . . . . . .
cases_transfer               x . . . x . . .
meetings_view                x . . . x x . .
reports_view                 x x . x x . x .
reports_request              x . . . . . . .
reports_official_sensitive   x . . . x . . .
statistics_view              x x . x x . . .
users_manage                 x . . . . . . x
audit_view                   x . . . . . . x
security_admin               . . . . . . . x
retention_manage             . . . . . . . x
legal_hold                   x . . . . . . .
"""


def expected() -> dict[str, frozenset[str]]:
    rows = {}
    for line in TABLE.strip().splitlines():
        name, *marks = line.split()
        assert len(marks) == len(COLUMNS), line
        rows[name] = frozenset(role for role, mark in zip(COLUMNS, marks, strict=True) if mark == "x")
    return rows


def test_the_capability_table_matches_the_product_brief():
    actual = {str(cap): frozenset(str(r) for r in roles) for cap, roles in CAPABILITIES.items()}
    assert actual == expected()
    assert set(COLUMNS) == {r.value for r in Role}


def test_every_capability_is_in_the_table():
    assert {c.value for c in Capability} == set(expected())


@pytest.mark.django_db
def test_has_capability_follows_the_table_for_real_users(any_role):
    role, user = any_role
    for capability, roles in expected().items():
        assert has_capability(user, capability) is (role in roles), (role, capability)


@pytest.mark.django_db
def test_a_user_without_a_current_role_has_no_capability(no_role_user, make_user):
    assert not any(has_capability(no_role_user, c) for c in Capability)


@pytest.mark.django_db
def test_only_memberships_in_force_today_count(make_user, panel):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.permissions import access_for

    today = timezone.localdate()
    ended = make_user(Role.PANEL_MEMBER, panel=panel, started_on=today - timedelta(days=30), ended_on=today)
    future = make_user(Role.COORDINATOR, started_on=today + timedelta(days=1))
    current = make_user(Role.PANEL_MEMBER, panel=panel, ended_on=today + timedelta(days=1))
    assert access_for(ended).member_panel_ids == frozenset()
    assert not has_capability(future, Capability.USERS_MANAGE)
    assert access_for(current).member_panel_ids == {panel.pk}
    current.is_active = False
    current.save()
    del current._portal_access
    assert access_for(current).roles == frozenset()
