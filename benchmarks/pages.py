"""Server time and SQL query count of the main pages, for a coordinator, at a chosen demo scale.

    .venv/bin/python benchmarks/pages.py --scale city [--repeat 7] [--json out.json]

Seeds the scale into a scratch database (SQLite file under /tmp unless BENCH_DATABASE_URL is set; reused if it is
already seeded), signs in a coordinator with both factors, requests each page several times in process and prints,
per URL, the median and p95 server time and the query count, as a table and as JSON. It prints figures; it does
not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Detail pages to time as well: URL name -> (app_label.Model, URL kwarg, model field). The row used is the one
# with most related rows where that matters little: simply the first by primary key.
DETAIL_PAGES: dict[str, tuple[str, str, str]] = {
    "accounts:user_detail": ("accounts.User", "pk", "pk"),
    "schools:detail": ("schools.School", "urn", "urn"),
    "schools:visit_detail": ("schools.Visit", "pk", "pk"),
    "schools:meeting_detail": ("schools.NetworkMeeting", "pk", "pk"),
    "training:session_detail": ("training.Session", "pk", "pk"),
    "referrals:detail": ("referrals.Referral", "pk", "pk"),
    "channel:panel_detail": ("channel.Panel", "pk", "pk"),
    "channel:meeting_detail": ("channel.Meeting", "pk", "pk"),
    "channel:case_detail": ("channel.Case", "pk", "pk"),
    "reports:detail": ("reports.Report", "pk", "pk"),
}
SKIP = {"accounts:logout", "accounts:two_factor", "accounts:enrol", "accounts:backup_codes_shown", "healthz"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="small", choices=["small", "city", "national"])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--json", dest="json_path", default="")
    args = parser.parse_args()

    db_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:////tmp/prevent-bench-{args.scale}.sqlite3")
    os.environ["DATABASE_URL"] = db_url
    os.environ.pop("REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "prevent_portal.settings.test"

    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # POST-only pages answer GETs with 404/405
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if not User.objects.filter(email="coordinator@northbrook.example").exists():
        call_command("seed_demo", scale=args.scale, verbosity=0)
        print(f"seeded '{args.scale}' in {time.perf_counter() - started:.1f}s")

    user = User.objects.get(email="coordinator@northbrook.example")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()

    def names(resolver: URLResolver, ns: str = "") -> list[str]:
        found = []
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver) and entry.namespace != "admin":
                found += names(entry, f"{ns}{entry.namespace}:" if entry.namespace else ns)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append(f"{ns}{entry.name}")
        return found

    urls: list[str] = []
    for name in sorted(set(names(get_resolver()))):
        if name in SKIP:
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            if name in DETAIL_PAGES:
                label, kwarg, field = DETAIL_PAGES[name]
                try:
                    model = apps.get_model(label)
                except LookupError:
                    continue
                first = model.objects.order_by("pk").values_list(field, flat=True).first()
                if first is not None:
                    urls.append(reverse(name, kwargs={kwarg: first}))

    results = []
    for url in urls:
        timings = []
        queries = 0
        status = 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - t0) * 1000)
            queries = len(ctx.captured_queries)
            status = response.status_code
        if status != 200:
            continue  # redirects and POST-only pages are not pages to time
        timings.sort()
        p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
        results.append(
            {"url": url, "median_ms": round(statistics.median(timings), 1), "p95_ms": round(p95, 1), "queries": queries}
        )

    print(f"\nscale={args.scale} repeat={args.repeat} database={connection.vendor}")
    print(f"{'URL':48} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for row in results:
        print(f"{row['url']:48} {row['median_ms']:>10} {row['p95_ms']:>8} {row['queries']:>8}")
    payload = {"scale": args.scale, "repeat": args.repeat, "database": connection.vendor, "pages": results}
    print(json.dumps(payload))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
