"""The national benchmark's code paths on the small demo council, so that the harness cannot rot: every part
runs and returns figures of the right shape. No timing is asserted (timings belong in benchmarks/RESULTS.md)."""

from __future__ import annotations

import argparse

import pytest
from django.core.management import call_command

from benchmarks import harness, national
from core.models import ListDownload

# Committed data: render_report, the bare render and gunicorn run in other processes and read the database.
pytestmark = pytest.mark.django_db(transaction=True)


def test_every_part_of_the_benchmark_runs_on_the_small_demo(settings, capsys):
    settings.DEMO_DATA_ALLOWED = True
    settings.EXPORT_INLINE_ROWS = 5  # the small demo's longer lists are made in the background, as at national scale
    call_command("seed_demo", scale="small", verbosity=0)
    args = argparse.Namespace(
        scale="small",
        parts="pages,downloads,lists,report,throughput",
        roles="coordinator,dsl",
        repeat=1,
        list_repeat=1,
        audit_events=500,
        seconds=1,
        connections=2,
        timeout=30,
        classifications="general",
        report_repeat=1,
        download_repeat=1,
    )

    result = national.run(args)

    assert result["setup"]["seeded_s"] is None  # a seeded database is reused, never seeded again
    assert result["setup"]["audit_events"] >= 500
    pages = {(row["role"], row["url"]) for row in result["pages"]}
    assert {("coordinator", "/"), ("coordinator", "/schools/"), ("coordinator", "/audit/"), ("dsl", "/")} <= pages
    assert not [row for row in result["pages"] if row.get("error")]
    assert all(row["queries"] > 0 and row["status"] in (200, 302) for row in result["pages"])
    # The exports are timed as asked for: a long list's request queues its download (302 to its page).
    asked = {row["url"] for row in result["pages"] if row["status"] == 302 and row["role"] == "coordinator"}
    assert {"/training/sessions/export.csv", "/audit/export.csv"} <= asked
    made = {row["url"]: row for row in result["downloads"] if row["role"] == "coordinator"}
    assert set(made) == asked, (made, asked)
    assert all(row["rows"] > 5 and row["median_s"] > 0 for row in made.values()), made
    assert not ListDownload.objects.exists()  # each timed request's download is forgotten
    assert not {url for role, url in pages if role == "dsl"} & {"/audit/", "/accounts/users/"}

    lists = {(row["list"], row["case"].split(" (")[0]): row for row in result["lists"]}
    for name in ("schools list", "referral queue", "audit list"):
        for case in ("page 1", "search", "last page"):
            row = lists[(name, case)]
            assert row["portal"]["status"] == 200 and row["admin"]["status"] == 200, row
            assert row["ratio_p95"] is not None
    assert lists[("audit list", "page 1")]["rows"] >= 500

    assert [row["classification"] for row in result["report"]] == ["general"]
    for row in result["report"]:
        assert row["pages"] > 0 and row["peak_mb"] > 0 and row["bare_render_s"] > 0 and row["ratio"] is not None

    paths = [row["path"] for row in result["throughput"]]
    assert paths == ["/healthz", "/schools/", "/referrals/"]
    assert all(row["requests_per_s"] > 0 and row["non_200"] == 0 for row in result["throughput"])

    national.print_pages(result["pages"])
    national.print_lists(result["lists"])
    national.print_report(result["report"])
    national.print_throughput(result["throughput"])
    assert "referral queue" in capsys.readouterr().out
    written = national.markdown(result)
    assert "| schools list, page 1: <= 1.0x admin |" in written and "## Throughput" in written
    assert "## Downloads made in the background" in written


def test_the_report_period_is_the_last_complete_financial_year():
    from datetime import date

    assert harness.report_period(date(2026, 11, 30)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert harness.report_period(date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
