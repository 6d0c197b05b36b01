"""The single table of who may do what, as the URL walk (tests/accounts/test_url_walk.py) checks it.

Each app declares its part in `tests/<app>/access.py`:

    ROWS = {"schools:detail": Row(ok={COORDINATOR, ADVISER, DSL, ...}, kwargs=lambda w: {"pk": w.school.pk}), ...}
    def build(world): ...   # optional: makes the records that the kwargs point at (world.referral = ...)

The walk collects every `ROWS` into one table, resolves every URL pattern of the project, and fails on a pattern
with no row, so a new page cannot be added without saying who may see it. For each pattern it GETs the URL as
anonymous (expect a redirect to sign-in unless `public`) and as each role, and expects the row's status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accounts.roles import Role

COORDINATOR = Role.COORDINATOR.value
ADVISER = Role.ADVISER.value
DSL = Role.DSL.value
CSC = Role.CSC_PRACTITIONER.value
CHAIR = Role.PANEL_CHAIR.value
MEMBER = Role.PANEL_MEMBER.value
SCRUTINY = Role.SCRUTINY.value
SYSADMIN = Role.SYSADMIN.value
ALL_ROLES = frozenset({COORDINATOR, ADVISER, DSL, CSC, CHAIR, MEMBER, SCRUTINY, SYSADMIN})


@dataclass(frozen=True)
class Row:
    """Expected answers to a GET of one URL pattern.

    ok: roles that get `ok_status` (200 by default; 302 for a page that redirects onward).
    read_only: roles that may see the record but not use this (write) page: 403.
    Every other role gets `denied` (404: out of scope, as PRODUCT.md says of '-').
    kwargs: builds the URL's arguments from the world; None for a pattern without arguments.
    public: reachable without signing in (sign-in, healthz, accessibility, privacy).
    get_status: for a POST-only URL every signed-in role allowed to use it gets 405 on GET; set it to 405.
    """

    ok: frozenset[str] | set[str] = frozenset()
    read_only: frozenset[str] | set[str] = frozenset()
    denied: int = 404
    ok_status: int = 200
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    public: bool = False
    skip_reason: str = ""

    def expected(self, role: str) -> int:
        if role in self.ok:
            return self.ok_status
        if role in self.read_only:
            return 403
        return self.denied


@dataclass
class World:
    """The records the walk runs against: one user per role, the DSL's own school and another, the chair's and
    member's panel and another, the practitioner's team. Apps add their own records in `build(world)`."""

    users: dict[str, Any] = field(default_factory=dict)
    school: Any = None
    other_school: Any = None
    panel: Any = None
    other_panel: Any = None
    team: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dataclass_fields__:
            object.__setattr__(self, name, value)
        else:
            # Each app's build() adds its own records; two apps using one name would point one app's URLs at the
            # other's record, which passes only while both tables' ids happen to agree.
            assert name not in self.extra, f"world.{name} is set by two access tables: give one another name"
            self.extra[name] = value
