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
            # by name: the walk must pick up every test package's access table, including ones added later
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


def _walk(world: World, client: Any, expect: Any) -> list[str]:
    """GETs every pattern with `client`; returns a line per answer that differs from `expect(name, row)`."""
    wrong: list[str] = []
    for name in PATTERNS:
        row = TABLE.get(name)
        if row is None or row.skip_reason:
            continue
        url = _url(name, row, world)
        response = client.get(url)
        problem = expect(name, row, response)
        if problem:
            wrong.append(f"{name} ({url}): {problem}")
    return wrong


def test_anonymous_users_are_sent_to_sign_in_and_see_no_data(world, client):
    login = reverse(settings.LOGIN_URL)

    def expect(name: str, row: Row, response: Any) -> str:
        if row.public:
            return "" if response.status_code in (200, 302) else f"public page answered {response.status_code}"
        if response.status_code != 302 or not response.url.startswith(login):
            return f"expected a redirect to sign-in, got {response.status_code}"
        return ""

    wrong = _walk(world, client, expect)
    assert not wrong, "anonymous answers that differ from the table:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_each_role_gets_the_answer_the_table_gives_for_every_url(role, world, client_for):
    def expect(name: str, row: Row, response: Any) -> str:
        wanted = row.expected(role)
        return "" if response.status_code == wanted else f"expected {wanted}, got {response.status_code}"

    wrong = _walk(world, client_for(world.users[role]), expect)
    assert not wrong, f"answers to {role} that differ from the table:\n" + "\n".join(wrong)
