"""A person who knows a password but not the second factor sees nothing: every URL pattern in the project but
the open pages and the second-factor pages themselves sends them to the two-factor page, for every role."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.middleware import _SECOND_FACTOR_OPEN
from tests.accounts.factories import TEST_PASSWORD
from tests.accounts.test_url_walk import PATTERNS, TABLE, _url, world  # noqa: F401  (world is a fixture)
from tests.support.access import ALL_ROLES

TWO_FACTOR = "/accounts/two-factor/"


def test_password_without_second_factor_reaches_no_page(world):  # noqa: F811
    """Every role in turn, in one world (building it is the slow part)."""
    wrong: list[str] = []
    for role in sorted(ALL_ROLES):
        wrong += _walk(role, world)
    assert not wrong, "pages that answered a password-only session:\n" + "\n".join(wrong)


def _walk(role: str, the_world: Any) -> list[str]:
    client = Client()
    user = the_world.users[role]
    signed = client.post("/accounts/sign-in/", {"username": user.email, "password": TEST_PASSWORD})
    assert signed.status_code == 302 and signed.url.startswith(TWO_FACTOR)
    wrong = []
    walked = 0
    for name in PATTERNS:
        row = TABLE.get(name)
        if row is None or row.public or row.skip_reason or name in _SECOND_FACTOR_OPEN:
            continue
        url = _url(name, row, the_world)
        walked += 1
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code != 302 or response.url != TWO_FACTOR:
                wrong.append(f"{role} {method.__name__} {name} ({url}): {response.status_code}")
    assert walked > 10
    for admin_url in ["/system/admin/", "/system/admin/core/auditevent/"]:
        response = client.get(admin_url)
        if response.status_code != 302 or response.url != TWO_FACTOR:
            wrong.append(f"{role} GET {admin_url}: {response.status_code}")
    return wrong
