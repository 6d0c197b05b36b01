"""Demo panels for seed_demo. Issue-by-issue, cases and meetings are added here."""

from __future__ import annotations

from core.demo import DemoContext

from .models import Panel, PanelKind


def seed(ctx: DemoContext) -> None:
    panels = Panel.objects.bulk_create(
        [
            Panel(name="Northbrook Channel Panel", kind=PanelKind.CHANNEL),
            Panel(name="Northbrook Social Inclusion Panel", kind=PanelKind.UNDER_18),
            Panel(name="Northbrook Safeguarding Adults Panel", kind=PanelKind.ADULT),
        ]
    )
    ctx.made["panels"] = {p.kind: p for p in Panel.objects.filter(pk__in=[p.pk for p in panels])}
