"""Training's rows of the access table, walked for every role (the project-wide walk does the same for all apps;
this one runs with the training tests)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from accounts.roles import Role
from tests.support.access import ALL_ROLES, World
from tests.training import access


@pytest.fixture
def world(db: Any, school: Any, other_school: Any, team: Any, panel: Any, make_user: Any) -> World:
    w = World(school=school, other_school=other_school, team=team, panel=panel)
    scopes: dict[str, dict[str, Any]] = {
        Role.DSL: {"school": school},
        Role.CSC_PRACTITIONER: {"team": team},
        Role.PANEL_CHAIR: {"panel": panel},
        Role.PANEL_MEMBER: {"panel": panel},
    }
    for role in Role:
        w.users[role.value] = make_user(role.value, **scopes.get(role, {}))
    access.build(w)
    return w


@pytest.mark.parametrize("role", sorted(ALL_ROLES))
def test_each_role_gets_the_training_answers_the_table_gives(role: str, world: World, client_for: Any) -> None:
    client = client_for(world.users[role])
    wrong = []
    for name, row in access.ROWS.items():
        url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
        status = client.get(url).status_code
        if status != row.expected(role):
            wrong.append(f"{name}: expected {row.expected(role)}, got {status}")
    assert not wrong, "\n".join(wrong)


def test_a_dsl_cannot_see_a_session_their_school_did_not_attend(world: World, client_for: Any) -> None:
    from tests.training.factories import AttendanceFactory, SessionFactory

    elsewhere = SessionFactory()
    other_row = AttendanceFactory(session=elsewhere, school=world.other_school)
    client = client_for(world.users[Role.DSL])
    assert client.get(reverse("training:session_detail", kwargs={"pk": elsewhere.pk})).status_code == 404
    assert client.get(reverse("training:attendance_detail", kwargs={"pk": other_row.pk})).status_code == 404
    # On a session both schools attended, the DSL sees only their own school's row.
    page = client.get(reverse("training:session_detail", kwargs={"pk": world.training_session.pk}))
    assert world.school.name in page.content.decode()
    assert world.other_school.name not in page.content.decode()


def test_anonymous_users_are_sent_to_sign_in(world: World, client: Any) -> None:
    for name, row in access.ROWS.items():
        response = client.get(reverse(name, kwargs=row.kwargs(world) if row.kwargs else None))
        assert response.status_code == 302, name
