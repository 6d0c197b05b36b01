from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from .data import make_dataset, pdf_pages

pytestmark = pytest.mark.django_db


def test_render_report_writes_the_pdf_synchronously(tmp_path):
    make_dataset()
    output = tmp_path / "report.pdf"
    out = io.StringIO()
    call_command(
        "render_report",
        "--from", "2026-04-01", "--to", "2026-09-30", "--classification", "official-sensitive",
        "--sections", "schools,referrals", "--output", str(output), stdout=out,
    )  # fmt: skip
    pages = pdf_pages(output.read_bytes())
    assert all("OFFICIAL-SENSITIVE" in text for text in pages)
    assert "sha256" in out.getvalue() and f"{len(pages)} pages" in out.getvalue()


def test_render_report_refuses_a_period_that_ends_before_it_starts(tmp_path):
    with pytest.raises(CommandError, match="--from must be on or before --to"):
        call_command("render_report", "--from", "2026-09-30", "--to", "2026-04-01", "--output", str(tmp_path / "r.pdf"))


def test_render_report_refuses_general_release_for_dates_that_are_no_reporting_period(tmp_path):
    with pytest.raises(CommandError, match="reporting periods"):
        call_command("render_report", "--from", "2025-04-01", "--to", "2025-09-30", "--output", str(tmp_path / "r.pdf"))
