"""How apps add their parts to shared pages without core knowing them. Each app's `AppConfig.ready()` registers
its own `home_sections(*, user)` and `nav_items(*, user)` here; core never imports an app. Registration follows
INSTALLED_APPS order, and the items are then sorted by their own `order`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # The viewer as Django's own types name it: core never imports the accounts app, not even for types.
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


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


NavHook = Callable[..., list[NavItem]]
HomeHook = Callable[..., list[HomeSection]]

_nav_hooks: list[NavHook] = []
_home_hooks: list[HomeHook] = []


def _add(hooks: list[Any], hook: Any) -> None:
    # ready() may run twice (the test runner, some management commands): a hook is listed once.
    if hook not in hooks:
        hooks.append(hook)


def register_navigation(hook: NavHook) -> None:
    _add(_nav_hooks, hook)


def register_home(hook: HomeHook) -> None:
    _add(_home_hooks, hook)


def nav_items_for(user: AbstractBaseUser | AnonymousUser) -> list[NavItem]:
    items = [item for hook in _nav_hooks for item in hook(user=user)]
    return sorted(items, key=lambda i: i.order)


def home_sections_for(user: AbstractBaseUser | AnonymousUser) -> list[HomeSection]:
    sections = [s for hook in _home_hooks for s in hook(user=user)]
    return sorted(sections, key=lambda s: s.order)
