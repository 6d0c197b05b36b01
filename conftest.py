"""Root fixtures: one signed-in user per role (PRODUCT.md "Who uses it"), clients that have passed the second
factor, the browser harness (tests/support/browser.py) and the frozen clock (tests/support/clock.py). Kept at the
root so pytest loads the plugins."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import Role
from tests.accounts.factories import MembershipFactory, TeamFactory, UserFactory
from tests.channel.factories import PanelFactory
from tests.schools.factories import SchoolFactory
from tests.support.clamd_server import own_clamd
from tests.support.clock import TODAY, frozen

# Django's live server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.support.browser"]


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_in_process() -> Any:
    """Tasks run in process in every test, even when REDIS_URL is set (CI's PostgreSQL and Redis pass), so that
    no test message reaches a shared queue. The real-worker tests (tests/reports/test_worker.py) switch to Redis
    on a queue of their own."""
    from prevent_portal.celery import app as celery_app

    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _no_kept_figures() -> None:
    """Each test starts with no training figures kept in memory (training.figures) from another test's data."""
    from django.core.cache import caches

    caches["figures"].clear()


@pytest.fixture(scope="session")
def clamd_socket() -> Iterator[str]:
    """ClamAV's daemon with the EICAR signatures, one per test process (tests/support/clamd_server.py)."""
    with own_clamd() as path:
        yield path


@pytest.fixture
def clamd(settings: Any, clamd_socket: str) -> str:
    """Attachments in this test are scanned by the test's own clamd."""
    settings.CLAMD_ADDRESS = clamd_socket
    return clamd_socket


@pytest.fixture
def frozen_today() -> Iterator[date]:
    """Freezes the clock at noon on TODAY (tests/support/clock.py) for one test and gives TODAY. A module freezes
    every test with `pytestmark = pytest.mark.usefixtures("frozen_today")`."""
    with frozen(TODAY) as day:
        yield day


@pytest.fixture
def school(db: Any) -> Any:
    return SchoolFactory(name="Larkhill Primary School")


@pytest.fixture
def other_school(db: Any) -> Any:
    return SchoolFactory(name="Quayside Academy")


@pytest.fixture
def team(db: Any) -> Any:
    return TeamFactory(name="Assessment Team North")


@pytest.fixture
def panel(db: Any) -> Any:
    return PanelFactory(name="Northbrook Channel Panel")


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """make_user(Role.DSL, school=s) -> a user holding that role (with its scope) and a confirmed TOTP device."""

    def make(role: str | None = None, **scope: Any) -> User:
        user = UserFactory(**{k: scope.pop(k) for k in ("email", "full_name") if k in scope})
        if role is not None:
            MembershipFactory(user=user, role=role, **scope)
        return user

    return make


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.COORDINATOR, full_name="Cora Ordinator")


@pytest.fixture
def adviser(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADVISER, full_name="Ada Viser")


@pytest.fixture
def dsl(make_user: Callable[..., User], school: Any) -> User:
    return make_user(Role.DSL, school=school, full_name="Dee Eskay")


@pytest.fixture
def other_dsl(make_user: Callable[..., User], other_school: Any) -> User:
    return make_user(Role.DSL, school=other_school, full_name="Otto Erdsl")


@pytest.fixture
def csc_practitioner(make_user: Callable[..., User], team: Any) -> User:
    return make_user(Role.CSC_PRACTITIONER, team=team, full_name="Cass Practitioner")


@pytest.fixture
def panel_chair(make_user: Callable[..., User], panel: Any) -> User:
    return make_user(Role.PANEL_CHAIR, panel=panel, agency="Northbrook City Council", full_name="Chai Rperson")


@pytest.fixture
def panel_member(make_user: Callable[..., User], panel: Any) -> User:
    return make_user(Role.PANEL_MEMBER, panel=panel, agency="Police", full_name="Mem Ber")


@pytest.fixture
def scrutiny(make_user: Callable[..., User]) -> User:
    return make_user(Role.SCRUTINY, full_name="Cllr Scrutiny")


@pytest.fixture
def sysadmin(make_user: Callable[..., User]) -> User:
    return make_user(Role.SYSADMIN, full_name="Sys Admin")


@pytest.fixture
def no_role_user(make_user: Callable[..., User]) -> User:
    return make_user(None, full_name="Nora Role")


ROLE_FIXTURES = {
    Role.COORDINATOR: "coordinator",
    Role.ADVISER: "adviser",
    Role.DSL: "dsl",
    Role.CSC_PRACTITIONER: "csc_practitioner",
    Role.PANEL_CHAIR: "panel_chair",
    Role.PANEL_MEMBER: "panel_member",
    Role.SCRUTINY: "scrutiny",
    Role.SYSADMIN: "sysadmin",
}


def signed_in_client(user: User) -> Client:
    """A test client that has passed both steps of sign-in, as the real flow leaves it."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "every signed-in user needs a confirmed TOTP device"
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return signed_in_client


@pytest.fixture(params=list(ROLE_FIXTURES), ids=[str(r) for r in ROLE_FIXTURES])
def any_role(request: Any) -> tuple[str, User]:
    """Parametrises a test over every role: yields (role, user)."""
    return request.param, request.getfixturevalue(ROLE_FIXTURES[request.param])
