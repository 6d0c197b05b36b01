"""The portal at national scale: every page for every role, the lists beside Django's admin, the committee
report beside a bare WeasyPrint render, and throughput on a real gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prevent_bench \
        .venv/bin/python -m benchmarks.national [--scale national] [--json results.json]

Seeds `seed_demo --scale <scale>` only when the database holds no demo council (a seeded database is reused:
delete or rename it to seed again), tops the audit table up to `--audit-events` rows, runs ANALYZE, then measures
(`--parts` picks a subset). Pages and lists are requested in process with Django's test Client (whole middleware
stack, no network); throughput is real HTTP against gunicorn (gunicorn.conf.py, 2 workers) with a real session
cookie. Settings: prevent_portal.settings.test (base settings with DEBUG off) unless DJANGO_SETTINGS_MODULE says
otherwise. It prints figures as a table and as JSON; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("pages", "lists", "report", "throughput")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="national", choices=["small", "city", "national"])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", ""),
        help="default: BENCH_DATABASE_URL, then DATABASE_URL, then a SQLite file under /tmp",
    )
    parser.add_argument("--parts", default=",".join(PARTS), help="comma-separated: " + ", ".join(PARTS))
    parser.add_argument("--roles", default="coordinator,adviser,dsl,practitioner,chair,member")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests per page (after one untimed)")
    parser.add_argument("--audit-events", type=int, default=1_000_000, help="audit rows to measure the list at")
    parser.add_argument("--seconds", type=float, default=10, help="load per URL for throughput")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections for throughput")
    parser.add_argument("--timeout", type=int, default=30, help="statement timeout per query (PostgreSQL)")
    parser.add_argument(
        "--classifications", default="general,official-sensitive", help="reports to make: general, official-sensitive"
    )
    parser.add_argument("--json", dest="json_path", default="", help="also write the figures to this file")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Sets up (seed if empty, audit rows, ANALYZE) and measures; Django must be set up already."""
    from django.core.management import call_command
    from django.utils import timezone

    from . import harness

    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    result: dict[str, Any] = {"scale": args.scale, "date": timezone.now().isoformat(timespec="seconds")}
    setup: dict[str, Any] = {}
    if not harness.demo_loaded():
        step = time.perf_counter()
        call_command("seed_demo", scale=args.scale, verbosity=0)
        setup["seeded_s"] = round(time.perf_counter() - step, 1)
    else:
        setup["seeded_s"] = None  # reused
    if "lists" in parts and args.audit_events:
        step = time.perf_counter()
        before, after = harness.audit_events_top_up(args.audit_events)
        setup.update(
            audit_events_before=before, audit_events=after, audit_insert_s=round(time.perf_counter() - step, 1)
        )
    setup["analyze_s"] = round(harness.analyze(), 1)
    result["setup"] = setup
    result["machine"] = harness.machine()
    print(f"set up: {json.dumps(setup)}", flush=True)

    roles = [r.strip() for r in args.roles.split(",") if r.strip()]
    if "pages" in parts:
        step = time.perf_counter()
        print_pages([])
        result["pages"] = harness.measure_pages(
            roles=roles, repeat=args.repeat, timeout=args.timeout, on_row=lambda row: print_pages([row], header=False)
        )
        result["pages_s"] = round(time.perf_counter() - step, 1)
    if "lists" in parts:
        step = time.perf_counter()
        specs = harness.list_specs(**harness.search_terms())
        result["lists"] = harness.measure_lists(specs=specs, repeat=args.repeat, timeout=args.timeout)
        result["lists_s"] = round(time.perf_counter() - step, 1)
        print_lists(result["lists"])
    if "report" in parts:
        step = time.perf_counter()
        classifications = tuple(c.strip() for c in args.classifications.split(",") if c.strip())
        result["report"] = harness.measure_report(today=timezone.localdate(), classifications=classifications)
        result["report_s"] = round(time.perf_counter() - step, 1)
        print_report(result["report"])
    if "throughput" in parts:
        from django.urls import reverse

        step = time.perf_counter()
        paths = [reverse("schools:list"), reverse("referrals:list")]
        result["throughput"] = harness.measure_throughput(
            paths=paths, seconds=args.seconds, connections=args.connections
        )
        result["throughput_s"] = round(time.perf_counter() - step, 1)
        print_throughput(result["throughput"])
    result["total_s"] = round(time.perf_counter() - started, 1)
    return result


def print_pages(rows: list[dict[str, Any]], *, header: bool = True) -> None:
    if header:
        print(f"\n{'role':<13} {'page':<52} {'median ms':>9} {'p95 ms':>8} {'queries':>7}")
    for row in rows:
        note = f"  {row['error']}" if row.get("error") else ""
        print(
            f"{row['role']:<13} {row['url']:<52} {row['median_ms']:>9} {row['p95_ms']:>8} {row['queries']:>7}{note}",
            flush=True,
        )


def print_lists(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'list':<15} {'case':<18} {'rows':>8} {'portal p95':>10} {'q':>4} {'admin p95':>10} {'q':>4} {'ratio':>6}"
    )
    for row in rows:
        portal, admin = row["portal"], row["admin"]
        print(
            f"{row['list']:<15} {row['case']:<18} {row['rows']:>8} {portal['p95_ms']:>10} {portal['queries']:>4} "
            f"{admin['p95_ms']:>10} {admin['queries']:>4} {row['ratio_p95']!s:>6}"
        )


def print_report(rows: list[dict[str, Any]]) -> None:
    print(
        f"\n{'report':<20} {'pages':>5} {'wall s':>7} {'in-proc s':>9} {'gather s':>8} {'peak MB':>8} "
        f"{'bare s':>7} {'bare MB':>8} {'ratio':>6} {'wall ratio':>10}"
    )
    for row in rows:
        print(
            f"{row['classification']:<20} {row['pages']:>5} {row['wall_s']:>7} {row['in_process_s']:>9} "
            f"{row['gather_s']:>8} {row['peak_mb']:>8} {row['bare_render_s']:>7} {row['bare_peak_mb']:>8} "
            f"{row['ratio']!s:>6} {row['ratio_wall']!s:>10}"
        )


def print_throughput(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'path':<20} {'req/s':>8} {'of /healthz':>11} {'non-200':>8}  tool")
    for row in rows:
        print(
            f"{row['path']:<20} {row['requests_per_s']:>8} {row['share_of_healthz']:>11} {row['non_200']:>8}"
            f"  {row['tool']}"
        )


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:////tmp/prevent-bench-{args.scale}.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS_MODULE", "prevent_portal.settings.test")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # POST-only pages answer GETs with 405
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = run(args)
    print(f"\nwhole run: {result['total_s']} s")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2))
        print(f"figures written to {args.json_path}")


if __name__ == "__main__":
    main()
