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
import gc
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("pages", "downloads", "lists", "report", "throughput")


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
    parser.add_argument(
        "--repeat",
        type=int,
        default=21,
        help="timed requests per page (after one untimed): the p95 of 21 is the 20th, and of 7 it is the slowest",
    )
    parser.add_argument(
        "--list-repeat",
        type=int,
        default=21,
        help="timed requests per list and admin changelist: their p95 is compared, and of 7 it is the slowest",
    )
    parser.add_argument("--audit-events", type=int, default=1_000_000, help="audit rows to measure the list at")
    parser.add_argument("--seconds", type=float, default=10, help="load per URL for throughput")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections for throughput")
    parser.add_argument("--timeout", type=int, default=30, help="statement timeout per query (PostgreSQL)")
    parser.add_argument(
        "--classifications", default="general,official-sensitive", help="reports to make: general, official-sensitive"
    )
    parser.add_argument("--download-repeat", type=int, default=3, help="files made per background download")
    parser.add_argument("--report-repeat", type=int, default=3, help="reports made (medians are shown)")
    parser.add_argument("--json", dest="json_path", default="", help="also write the figures to this file")
    parser.add_argument("--markdown", default="", help="also write them as Markdown with the targets marked")
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
    if "downloads" in parts:
        step = time.perf_counter()
        print(f"\n{'role':<13} {'download made in the background':<52} {'rows':>9} {'median s':>8} {'max s':>8}")
        result["downloads"] = harness.measure_downloads(roles=roles, repeat=args.download_repeat)
        result["downloads_s"] = round(time.perf_counter() - step, 1)
    if "lists" in parts:
        step = time.perf_counter()
        specs = harness.list_specs(**harness.search_terms())
        result["lists"] = harness.measure_lists(specs=specs, repeat=args.list_repeat, timeout=args.timeout)
        result["lists_s"] = round(time.perf_counter() - step, 1)
        print_lists(result["lists"])
    if "report" in parts:
        step = time.perf_counter()
        classifications = tuple(c.strip() for c in args.classifications.split(",") if c.strip())
        result["report"] = harness.measure_report(
            today=timezone.localdate(), classifications=classifications, repeat=args.report_repeat
        )
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
        f"\n{'report':<20} {'pages':>5} {'wall s':>7} {'CPU s':>6} {'in-proc s':>9} {'gather s':>8} {'peak MB':>8} "
        f"{'bare s':>7} {'bare CPU':>8} {'bare MB':>8} {'ratio':>6} {'wall ratio':>10}"
    )
    for row in rows:
        print(
            f"{row['classification']:<20} {row['pages']:>5} {row['wall_s']:>7} {row['cpu_s']:>6} {row['in_process_s']:>9} "
            f"{row['gather_s']:>8} {row['peak_mb']:>8} {row['bare_render_s']:>7} {row['bare_cpu_s']:>8} "
            f"{row['bare_peak_mb']:>8} "
            f"{row['ratio']!s:>6} {row['ratio_wall']!s:>10}"
        )


def print_throughput(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'path':<20} {'req/s':>8} {'of /healthz':>11} {'non-200':>8}  tool")
    for row in rows:
        print(
            f"{row['path']:<20} {row['requests_per_s']:>8} {row['share_of_healthz']:>11} {row['non_200']:>8}"
            f"  {row['tool']}"
        )


PAGE_P95_MS, HOME_P95_MS, LIST_RATIO, THROUGHPUT_SHARE = 200, 150, 1.0, 0.3
REPORT_WALL_S, REPORT_RATIO, REPORT_PEAK_MB = 10, 1.5, 500
TARGET_LISTS = ("schools list", "referral queue", "audit list")


def _mark(met: bool) -> str:
    return "met" if met else "**not met**"


def markdown(result: dict[str, Any]) -> str:
    """The figures as Markdown tables, with the targets of the national-scale work marked met or not met."""
    m = result["machine"]
    lines = [
        "# Benchmark results (`python -m benchmarks.national`)",
        "",
        f"Run {result['date']} at scale `{result['scale']}` on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, "
        f"{m['database']}, Python {m['python']}, CONN_MAX_AGE {m['conn_max_age']}; load average at the start "
        f"{', '.join(str(x) for x in m['load_average'])}. Set-up: {json.dumps(result['setup'])}. Whole run "
        f"{result['total_s']} s.",
        "",
        "## Targets",
        "",
        "| target | figure | |",
        "|---|---|---|",
    ]
    pages = result.get("pages", [])
    if pages:
        slow = [r for r in pages if r.get("error") or r["p95_ms"] >= PAGE_P95_MS]
        home = [r for r in pages if r["role"] == "coordinator" and r["url"] == "/"]
        worst = max(pages, key=lambda r: (bool(r.get("error")), r["p95_ms"]))
        lines.append(
            f"| every page p95 < {PAGE_P95_MS} ms for every role | {len(slow)} of {len(pages)} pages over; worst "
            f"{worst['role']} {worst['url']} {worst.get('error') or str(worst['p95_ms']) + ' ms'} | "
            f"{_mark(not slow)} |"
        )
        if home:
            lines.append(
                f"| coordinator's home page p95 < {HOME_P95_MS} ms | {home[0]['p95_ms']} ms | "
                f"{_mark(not home[0].get('error') and home[0]['p95_ms'] < HOME_P95_MS)} |"
            )
    for row in result.get("lists", []):
        if row["list"] in TARGET_LISTS:
            ratio = row["ratio_p95"]
            lines.append(
                f"| {row['list']}, {row['case']}: <= {LIST_RATIO}x admin | {ratio}x (p95 {row['portal']['p95_ms']} "
                f"/ {row['admin']['p95_ms']} ms) | {_mark(ratio is not None and ratio <= LIST_RATIO)} |"
            )
    for row in result.get("throughput", [])[1:]:
        lines.append(
            f"| {row['path']} >= {THROUGHPUT_SHARE}x /healthz throughput | {row['share_of_healthz']}x "
            f"({row['requests_per_s']} of {result['throughput'][0]['requests_per_s']} req/s) | "
            f"{_mark(row['share_of_healthz'] >= THROUGHPUT_SHARE)} |"
        )
    for row in result.get("report", []):
        name = f"render_report ({row['classification']})"
        lines += [
            f"| {name} < {REPORT_WALL_S} s wall | {row['wall_s']} s | {_mark(row['wall_s'] < REPORT_WALL_S)} |",
            f"| {name} < {REPORT_RATIO}x the bare render of its HTML | {row['ratio']}x in process ({row['in_process_s']}"
            f" / {row['bare_render_s']} s); {row['ratio_wall']}x process wall | "
            f"{_mark(row['ratio'] is not None and row['ratio'] < REPORT_RATIO)} |",
            f"| {name} peak memory < {REPORT_PEAK_MB} MB | {row['peak_mb']} MB | "
            f"{_mark(row['peak_mb'] < REPORT_PEAK_MB)} |",
        ]
    if pages:
        lines += [
            "",
            "## Pages (in process, ms)",
            "",
            "A CSV export that answers 302 asked for its download to be made in the background (core.downloads).",
            "",
            "| role | page | status | median | p95 | queries |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['role']} | `{r['url']}` | {r['status']} | {r['median_ms']} | {r.get('error') or r['p95_ms']} | "
            f"{r['queries']} |"
            for r in pages
        ]
    if result.get("downloads"):
        lines += [
            "",
            "## Downloads made in the background (the worker's task, in process)",
            "",
            "| role | export | rows | MB | median s | max s |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['role']} | `{r['url']}` | {r['rows']} | {r['size_mb']} | {r['median_s']} | {r['max_s']} |"
            for r in result["downloads"]
        ]
    if result.get("lists"):
        lines += [
            "",
            "## Lists beside the stock admin changelist (in process, ms)",
            "",
            "| list | case | rows | portal median | portal p95 | queries | admin median | admin p95 | queries | p95 ratio |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in result["lists"]:
            p, a = r["portal"], r["admin"]
            lines.append(
                f"| {r['list']} | {r['case']} | {r['rows']} | {p['median_ms']} | {p.get('error') or p['p95_ms']} | "
                f"{p['queries']} | {a['median_ms']} | {a.get('error') or a['p95_ms']} | {a['queries']} | "
                f"{r['ratio_p95']} |"
            )
    if result.get("report"):
        lines += [
            "",
            "## Committee report (fresh processes; medians)",
            "",
            "| classification | period | pages | wall s | CPU s | in process s | gather s | peak MB | bare render s "
            "| bare CPU s | bare peak MB | ratio | wall ratio |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['classification']} | {r['period']} | {r['pages']} | {r['wall_s']} | {r['cpu_s']} | "
            f"{r['in_process_s']} | {r['gather_s']} | {r['peak_mb']} | {r['bare_render_s']} | {r['bare_cpu_s']} | "
            f"{r['bare_peak_mb']} | {r['ratio']} | {r['ratio_wall']} |"
            for r in result["report"]
        ]
    if result.get("throughput"):
        lines += [
            "",
            "## Throughput (gunicorn, 2 workers)",
            "",
            "| path | req/s | share of /healthz | non-200 | tool |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{r['path']}` | {r['requests_per_s']} | {r['share_of_healthz']} | {r['non_200']} | {r['tool']} |"
            for r in result["throughput"]
        ]
    return "\n".join(lines) + "\n"


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
    # As each gunicorn worker does once the portal is loaded (gunicorn.conf.py, post_worker_init): what exists now
    # lives as long as the process, and a full garbage collection should not walk it during a timed request.
    gc.freeze()
    result = run(args)
    print(f"\nwhole run: {result['total_s']} s")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(result, indent=2))
        print(f"figures written to {args.json_path}")
    if args.markdown:
        Path(args.markdown).write_text(markdown(result))
        print(f"tables written to {args.markdown}")


if __name__ == "__main__":
    main()
