"""Walks every URL pattern in the project for anonymous users and for every role, against the single table
built from each app's tests/<app>/access.py (see tests/support/access.py)."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from tests.support.access import ALL_ROLES, Row, World

ADMIN_NAMESPACE = "admin"


def _pattern_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == ADMIN_NAMESPACE:
                continue  # the Django admin is covered by tests/core/test_admin.py
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.extend(_pattern_names(entry, ns))
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}{entry.name}")
    return sorted(set(names))


def _access_modules() -> list[Any]:
    modules = []
    for info in pkgutil.iter_modules(tests.__path__):
        if info.name == "support":
            continue
        try:
            modules.append(importlib.import_module(f"tests.{info.name}.access"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.{info.name}.access":
                raise
    return modules


def access_table() -> dict[str, Row]:
    table: dict[str, Row] = {}
    for module in _access_modules():
        for name, row in module.ROWS.items():
            assert name not in table, f"{name} is declared twice"
            table[name] = row
    return table


TABLE = access_table()
PATTERNS = _pattern_names()


def test_every_url_pattern_has_a_row_in_the_access_table():
    missing = [name for name in PATTERNS if name not in TABLE]
    assert not missing, f"URL patterns with no row in any tests/<app>/access.py: {missing}"
    stale = [name for name in TABLE if name not in PATTERNS]
    assert not stale, f"rows for URL patterns that no longer exist: {stale}"


@pytest.fixture
def world(db, school, other_school, team, panel, make_user) -> World:
    from accounts.roles import Role
    from tests.channel.factories import PanelFactory

    w = World(school=school, other_school=other_school, team=team, panel=panel)
    w.other_panel = PanelFactory(name="Another Panel")
    scopes: dict[str, dict[str, Any]] = {
        Role.DSL: {"school": school},
        Role.CSC_PRACTITIONER: {"team": team},
        Role.PANEL_CHAIR: {"panel": panel},
        Role.PANEL_MEMBER: {"panel": panel},
    }
    for role in Role:
        w.users[role.value] = make_user(role.value, **scopes.get(role, {}))
    for module in _access_modules():
        build = getattr(module, "build", None)
        if build is not None:
            build(w)
    return w


def _url(name: str, row: Row, world: World) -> str:
    return reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)


@pytest.mark.parametrize("name", PATTERNS)
def test_anonymous_users_are_sent_to_sign_in_and_see_no_data(name, world, client):
    row = TABLE.get(name)
    if row is None:
        pytest.fail(f"{name} has no row in the access table")
    if row.skip_reason:
        pytest.skip(row.skip_reason)
    response = client.get(_url(name, row, world))
    if row.public:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 302, f"{name}: anonymous got {response.status_code}"
        assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
@pytest.mark.parametrize("name", PATTERNS)
def test_each_role_gets_the_answer_the_table_gives(name, role, world, client_for):
    row = TABLE.get(name)
    if row is None:
        pytest.fail(f"{name} has no row in the access table")
    if row.skip_reason:
        pytest.skip(row.skip_reason)
    response = client_for(world.users[role]).get(_url(name, row, world))
    expected = row.expected(role)
    assert response.status_code == expected, f"{name} as {role}: expected {expected}, got {response.status_code}"
