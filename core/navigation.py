from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from .registry import NavItem

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


def nav_items(*, user: AbstractBaseUser | AnonymousUser) -> list[NavItem]:
    return [NavItem("Home", reverse("core:home"), order=0)]
