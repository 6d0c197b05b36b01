"""Builds the demo council, "Northbrook City Council", at a chosen scale. Deterministic for a seed.

Each app registers its own `seed(ctx)` (and `finish(ctx)`, if it has one) with core.demo from its AppConfig.ready().
The seeds run in the order below, so that later apps can use what earlier ones made (ctx.made). Then each
`finish(ctx)` in the same order: for records that need what a later app made (panel cases need the referrals
they come from).
"""

from __future__ import annotations

import random
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from core.demo import SCALES, DemoContext, demo_seeders

# Panels come before accounts so that demo chairs and members can be given one.
DEMO_ORDER = ["schools", "channel", "accounts", "training", "referrals", "people", "reports"]


class Command(BaseCommand):
    help = "Create the demo council at a scale: small (40 schools), city (440) or national (24,000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument("--seed", type=int, default=2015)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the demo council is loaded.")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="The day the demo is built around (YYYY-MM-DD; default: today). The same --seed and --today give "
            "the same data; the default keeps a trial's upcoming meetings and due reviews ahead of the day it loads.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "DEMO_DATA_ALLOWED", False):
            raise CommandError("Demo data is never loaded under production settings.")
        if get_user_model().objects.filter(email__endswith="@northbrook.example").exists():
            if options["if_empty"]:
                self.stdout.write("The demo council is already loaded.")
                return
            raise CommandError("The demo council is already loaded. Use a fresh database to load it again.")
        scale = SCALES[options["scale"]]
        ctx = DemoContext(
            scale=scale,
            rng=random.Random(options["seed"]),
            today=options["today"] or timezone.localdate(),
            out=self.stdout,
        )
        started = time.perf_counter()
        seeders = demo_seeders(DEMO_ORDER)
        with transaction.atomic():
            for phase in ("seed", "finish"):
                for seeder in seeders:
                    step_function = seeder.seed if phase == "seed" else seeder.finish
                    if step_function is None:
                        continue
                    step = time.perf_counter()
                    step_function(ctx)
                    self.stdout.write(f"  {seeder.app} ({phase}): {time.perf_counter() - step:.1f}s")
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            step = time.perf_counter()
            _compact()
            self.stdout.write(f"  compacted: {time.perf_counter() - step:.1f}s")
        self.stdout.write(
            self.style.SUCCESS(f"Demo council loaded at scale '{scale.name}' in {time.perf_counter() - started:.1f}s.")
        )


def _compact() -> None:
    """Rewrites every table and refreshes the planner's statistics (VACUUM FULL, ANALYZE), as a database that
    grew over years under autovacuum would be. The seed is one transaction, and the rows the database triggers
    keep (a school's first training dates, a session's totals, the referral queue's counts) were rewritten once
    per statement that touched them, none of the old versions reclaimable before it committed: at national scale
    the session totals filled 2,881 pages for 32,865 rows (178 once compacted) and the queue's 16 status counts 391
    pages. VACUUM cannot run inside a transaction; a caller that holds one (a test) gets the tables as they are."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FULL, ANALYZE)")
