"""The downloads part of the home page: the person's own long-list downloads while they are kept, so one made in
the background can be found again after leaving its page. Shown only to someone who has one."""

from __future__ import annotations

from typing import Any

from .downloads import downloads_kept_for, keep_for
from .registry import HomeSection


def home_sections(*, user: Any) -> list[HomeSection]:
    kept = downloads_kept_for(user=user)
    if not kept:
        return []
    return [
        HomeSection(
            "Your downloads",
            "core/home_downloads.html",
            {"downloads": kept, "keep_hours": f"{keep_for().total_seconds() / 3600:g}"},
            order=5,
        )
    ]
