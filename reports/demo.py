"""Demo reports: a quarterly schedule, and at small and city scale the last quarter's report in both
classifications (made when the seed commits: in process under the embedded default, else by a worker)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User

from .models import ALL_SECTIONS, Classification, Frequency, ReportSchedule, add_months


def seed(ctx: Any) -> None:

    from .services import report_request

    coordinator = ctx.made.get("demo_users", {}).get("coordinator@northbrook.example") or (
        User.objects.filter(email="coordinator@northbrook.example").first()
    )
    if coordinator is None:
        ctx.say("no demo coordinator, nothing made")
        return
    quarter_start = date(ctx.today.year, ((ctx.today.month - 1) // 3) * 3 + 1, 1)
    ReportSchedule.objects.create(
        title="Prevent duty: quarterly delivery update",
        committee="Community Safety Scrutiny Committee",
        frequency=Frequency.QUARTERLY,
        classification=Classification.GENERAL_RELEASE,
        sections=ALL_SECTIONS,
        recipients="scrutiny@northbrook.example",
        next_run_on=add_months(quarter_start, 3),
        created_by=coordinator,
    )
    made = 0
    if ctx.scale.name in ("small", "city"):
        start = add_months(quarter_start, -3)
        end = date.fromordinal(quarter_start.toordinal() - 1)
        classifications = [Classification.OFFICIAL_SENSITIVE]
        if end < timezone.localdate():  # General Release covers ended periods only (a demo built around a later day)
            classifications.insert(0, Classification.GENERAL_RELEASE)
        for classification in classifications:
            report_request(
                requested_by=coordinator,
                title="Prevent duty: delivery update",
                committee="Community Safety Scrutiny Committee",
                period_start=start,
                period_end=end,
                meeting_date=ctx.today + timedelta(days=10),
                classification=classification,
            )
            made += 1
    ctx.say(f"1 quarterly report schedule, {made} reports requested (made once the seed is saved)")
