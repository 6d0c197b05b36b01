"""Demo people: filled in below."""

from __future__ import annotations

from core.demo import DemoContext


def seed(ctx: DemoContext) -> None:
    return None
