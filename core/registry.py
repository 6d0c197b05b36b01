"""How apps add their parts to shared pages without core knowing them: each app may have a `home.py` with
`home_sections(*, user)` and a `navigation.py` with `nav_items(*, user)`, collected in PORTAL_APPS order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50
    active_prefix: str = ""


@dataclass
class HomeSection:
    """A block of the signed-in home page: a heading, a template to include and its context."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    wide: bool = False


@cache
def _hooks(module_name: str, function: str) -> tuple[Callable[..., list[Any]], ...]:
    found = []
    for app in settings.PORTAL_APPS:
        try:
            module = importlib.import_module(f"{app}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.{module_name}":
                raise
            continue
        found.append(getattr(module, function))
    return tuple(found)


def nav_items_for(user: Any) -> list[NavItem]:
    items = [item for hook in _hooks("navigation", "nav_items") for item in hook(user=user)]
    return sorted(items, key=lambda i: i.order)


def home_sections_for(user: Any) -> list[HomeSection]:
    sections = [s for hook in _hooks("home", "home_sections") for s in hook(user=user)]
    return sorted(sections, key=lambda s: s.order)
