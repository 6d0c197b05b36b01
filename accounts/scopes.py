"""Where a role's scope comes from: the schools a DSL may hold, the panels a chair or member may sit on.

Schools and panels belong to apps above accounts, so accounts does not import them: each registers the rows a
new membership may point at from its AppConfig.ready(), as it registers its navigation and home sections.
Asking for a scope nobody registered is an error (KeyError), not an empty list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

SCHOOL = "school"
PANEL = "panel"

_choices: dict[str, Callable[[], QuerySet[Any]]] = {}


def register_scope_choices(scope: str, choices: Callable[[], QuerySet[Any]]) -> None:
    _choices[scope] = choices


def scope_choices(scope: str) -> QuerySet[Any]:
    return _choices[scope]()
