"""Demo panels, members, meetings and the detail of cases for seed_demo.

`seed(ctx)` runs before accounts and referrals (DEMO_ORDER) and makes the three panels. The cases themselves are
opened by the referrals seed (one per referral sent to a panel, at a stage that fits its age); `seed_cases(ctx)`
then gives them what a real case has: case officers, members and meetings, agendas, decisions, consent,
assessments, support plans, reviews after exit, actions and chronology entries. The referrals seed calls it when
it has made the cases; if it does not, it runs once the rest of the demo council is saved (on commit).

Everything is bulk-created: 6,000 cases at national scale. Invented names only.
"""

from __future__ import annotations

from accounts.models import User
from core.demo import DemoContext

from ..models.cases import ADOPTED_STAGES, AFTER_EXIT_STAGES, PRE_PANEL_STAGES, Case, Stage
from ..models.meetings import Meeting
from ..models.panels import Panel, PanelKind
from .cases import align_and_plan, seed_case_flags, seed_case_records
from .meetings import seed_agendas, seed_meetings
from .people import seed_members
from .transfers import seed_transfers

DONE_FLAG = "channel_cases_seeded"


def seed(ctx: DemoContext) -> None:
    panels = Panel.objects.bulk_create(
        [
            Panel(name="Northbrook Channel Panel", kind=PanelKind.CHANNEL),
            Panel(name="Northbrook Social Inclusion Panel", kind=PanelKind.UNDER_18),
            Panel(name="Northbrook Safeguarding Adults Panel", kind=PanelKind.ADULT),
        ]
    )
    ctx.made["panels"] = {p.kind: p for p in Panel.objects.filter(pk__in=[p.pk for p in panels])}


def finish(ctx: DemoContext) -> None:
    """Second phase of seed_demo: the cases arrive with the referrals seed, so their detail follows here."""
    seed_cases(ctx)
    seed_transfers(ctx)


def seed_cases(ctx: DemoContext, referral_ids: list[int] | None = None) -> None:
    """The detail of the demo cases (see the module's docstring). Runs once per seed."""
    if ctx.made.get(DONE_FLAG):
        return
    ctx.made[DONE_FLAG] = True
    import time as clock

    started = clock.perf_counter()

    panels = list(Panel.objects.order_by("pk"))
    if not panels:
        return
    users = ctx.made.get("demo_users", {})
    coordinator = users.get("coordinator@northbrook.example") or User.objects.order_by("pk").first()
    if coordinator is None:
        return
    members = seed_members(ctx, panels, users)
    chairs = {panel_id: rows[0] for panel_id, rows in members.items()}

    cases_qs = Case.objects.all()
    if referral_ids is not None:
        cases_qs = cases_qs.filter(referral_id__in=referral_ids)
    cases = list(cases_qs.select_related("referral").order_by("opened_on", "pk"))
    meetings = seed_meetings(ctx, panels, members)
    by_panel: dict[int, list[Meeting]] = {}
    for m in meetings:
        by_panel.setdefault(m.panel_id, []).append(m)
    for rows in by_panel.values():
        rows.sort(key=lambda m: m.held_on)

    align_and_plan(ctx, cases, by_panel, chairs, coordinator)
    seed_case_records(ctx, cases, chairs)
    seed_case_flags(ctx, cases, chairs)
    seed_agendas(ctx, cases, by_panel, members, chairs)
    ctx.say(
        f"  channel: {len(cases)} cases detailed, {len(meetings)} meetings, "
        f"{sum(len(v) for v in members.values())} panel places ({clock.perf_counter() - started:.1f}s)"
    )


# Stages the demo covers, for a quick check that every stage is present (tests/channel/test_demo.py).
DEMO_STAGES = (*PRE_PANEL_STAGES, *ADOPTED_STAGES, *AFTER_EXIT_STAGES, Stage.NOT_ADOPTED)
