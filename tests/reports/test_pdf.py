"""The PDF itself: real WeasyPrint output read back with pypdf (its layout mode keeps table rows on one line)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from reports.disclosure import MARK, recoverable
from reports.models import Classification
from reports.rendering import report_build
from reports.sections import referrals as referrals_section
from reports.sections.base import ReportContext, Table
from reports.services import report_parameters

from .data import PERIOD, SECTORS, make_dataset, pdf_layout_text, pdf_pages, row_numbers, section_text

pytestmark = pytest.mark.django_db


def _params(classification: str, sections: list[str] | None = None) -> dict:
    return report_parameters(
        title="Prevent duty: delivery update",
        committee="Scrutiny Co-ordination Committee",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        classification=classification,
        sections=sections,
    )


@pytest.fixture
def dataset(db):
    make_dataset()


def test_official_sensitive_report_has_the_right_figures_and_the_marking_on_every_page(dataset):
    rendered = report_build(_params(Classification.OFFICIAL_SENSITIVE))
    pages = pdf_pages(rendered.pdf)
    assert len(pages) >= 5
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks the marking in header and footer"
        assert f"Page {number} of {len(pages)}" in text

    text = pdf_layout_text(rendered.pdf)
    assert "Northbrook City Council" in text and "Scrutiny Co-ordination Committee" in text
    assert "Contents" in text
    schools = section_text(text, "1. Schools engaged")
    assert row_numbers(schools, "Universal offer")[-1][:2] == ["6", "60%"]
    assert row_numbers(schools, "Specialist offer")[-1][:2] == ["3", "30%"]
    assert row_numbers(schools, "Intensive offer")[-1][:2] == ["1", "10%"]
    text = section_text(text, "Referrals\n")
    # The referral journey and breakdowns, exact in OFFICIAL-SENSITIVE.
    assert row_numbers(text, "Referrals")[-1][:2] == ["23", "100%"]
    assert row_numbers(text, "No further action")[-1][:2] == ["8", "35%"]
    assert row_numbers(text, "Signposted to other services")[-1][:2] == ["6", "26%"]
    assert row_numbers(text, "Discussed at panel")[-1][:2] == ["5", "22%"]
    assert row_numbers(text, "Decision not yet made")[-1][:2] == ["4", "17%"]
    assert row_numbers(text, "Education")[-1][:2] == ["12", "52%"]
    assert row_numbers(text, "Police")[-1][:1] == ["3"]
    assert row_numbers(text, "Community")[-1][:1] == ["1"]
    assert row_numbers(text, "Male")[-1][:1] == ["14"]
    assert row_numbers(text, "Female")[-1][:1] == ["9"]
    assert row_numbers(text, "10 or under")[-1][:1] == ["1"]


def test_the_pdf_is_a4_tagged_with_embedded_fonts_and_a_title(dataset):
    rendered = report_build(_params(Classification.GENERAL_RELEASE, ["schools"]))
    reader = PdfReader(io.BytesIO(rendered.pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Prevent duty: delivery update"
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, "fonts must be embedded"


def test_general_release_is_marked_official_on_every_page(dataset):
    rendered = report_build(_params(Classification.GENERAL_RELEASE))
    for number, text in enumerate(pdf_pages(rendered.pdf), start=1):
        assert "OFFICIAL" in text, f"page {number} is not marked"
        assert "OFFICIAL-SENSITIVE" not in text


def test_general_release_shows_no_count_from_one_to_four_in_any_referral_table(dataset):
    rendered = report_build(_params(Classification.GENERAL_RELEASE, ["referrals"]))
    text = pdf_layout_text(rendered.pdf)
    labels = [
        "Referrals", "No further action", "Signposted to other services", "Discussed at panel",
        "Decision not yet made", "Education", "Police", "Health", "Community", "Local Authority",
        "Friends and family", "Prisons", "Probation", "Other", "Male", "Female", "Not known", "Total",
        "10 or under", "11 to 15", "16 to 17", "18 to 20", "21 to 30", "31 to 40", "41 and over", "Islamist",
    ]  # fmt: skip
    seen = 0
    for label in labels:
        for cells in row_numbers(text, label):
            seen += 1
            for cell in cells:
                assert cell not in {"1", "2", "3", "4"}, f"{label}: a count of {cell} is published"
    assert seen >= 20
    assert MARK in text
    assert "A count from 1 to 4" in text  # the footnote explaining *


def test_general_release_withheld_counts_cannot_be_worked_out_from_the_totals(dataset):
    section = referrals_section.build(ReportContext(start=PERIOD[0], end=PERIOD[1], general_release=True))
    tables = [b for b in section.blocks if isinstance(b, Table)]
    journey = tables[0]
    by_sector = next(t for t in tables if t.caption.startswith("People referred by sector"))
    # What an attacker knows: each breakdown adds up to its total row, the journey's outcomes add up to the
    # referrals, and every total row is the referrals figure.
    values: dict = {}
    withheld: set = set()
    constraints = []

    def cell(key, shown, true):
        values[key] = true
        if shown == MARK:
            withheld.add(key)
        else:
            assert int(shown.replace(",", "")) == true

    truth_journey = {
        "Referrals": 23,
        "No further action": 8,
        "Signposted to other services": 6,
        "Discussed at panel": 5,
        "Decision not yet made": 4,
    }
    for label, shown, *_ in journey.rows:
        if label in truth_journey:
            cell(("j", label), shown, truth_journey[label])
        else:
            cell(("j", label), shown, 0)
    constraints.append((("j", "Referrals"), [k for k in values if k != ("j", "Referrals")]))
    truth_sector = {"Education": 12, "Police": 3, "Health": 7, "Community": 1}
    parts = []
    for label, shown, *_ in by_sector.rows:
        cell(("s", label), shown, truth_sector.get(label, 0))
        parts.append(("s", label))
    constraints.append((("j", "Referrals"), parts))

    assert {("s", "Police"), ("s", "Community"), ("j", "Decision not yet made")} <= withheld
    assert not recoverable(values, constraints, withheld)
    assert sum(SECTORS.values()) == 23


def test_a_section_whose_figures_are_not_recorded_yet_says_so_instead_of_failing(db, settings):
    rendered = report_build(_params(Classification.OFFICIAL_SENSITIVE, ["delivery"]))
    text = " ".join(pdf_pages(rendered.pdf))
    assert re.search(r"Commissioned and community delivery", text)


def test_training_uptake_reads_71_and_22_per_cent_as_at_31_october_2015(db):
    """The Birmingham case: 440 open schools, 312 with WRAP and 97 with PVE by the end of October 2015."""
    from datetime import date

    from schools.models import Phase, School
    from tests.training.factories import course
    from training.models import Attendance, Session

    schools = School.objects.bulk_create(
        School(urn=300000 + i, la_code="888", name=f"School {i}", phase=Phase.PRIMARY, open_date=date(2001, 9, 1))
        for i in range(440)
    )

    def attend(group, code, held_on):
        session = Session.objects.create(course=course(code), held_on=held_on)
        Attendance.objects.bulk_create(Attendance(session=session, school=s, staff=10) for s in group)

    attend(schools[:312], "WRAP", date(2015, 9, 15))
    attend(schools[:97], "PVE", date(2015, 10, 20))
    attend(schools[312:330], "WRAP", date(2015, 11, 2))  # after the date: not counted

    params = report_parameters(
        title="Prevent duty: delivery update",
        committee="Overview and Scrutiny Committee",
        period_start=date(2015, 7, 1),
        period_end=date(2015, 10, 31),
        classification=Classification.GENERAL_RELEASE,
        sections=["training"],
    )
    text = pdf_layout_text(report_build(params).pdf)
    flat = " ".join(text.split())
    assert "As at 31 October 2015, of 440 open schools, 312 (71%) had accessed" in flat
    assert "97 (22%) Preventing Violent Extremism (PVE)" in flat
    assert row_numbers(text, "All phases")[-1] == ["440", "312", "(71%)", "97", "(22%)", "312", "(71%)"]
    assert row_numbers(text, "Primary")[-1] == ["440", "312", "(71%)", "97", "(22%)", "312", "(71%)"]
    assert "Staff trained" in text


def test_no_names_dates_of_birth_or_case_text_reach_either_report(dataset):
    from referrals.models import Referral

    referral = Referral.objects.exclude(submitted_on=None).first()
    for classification in (Classification.GENERAL_RELEASE, Classification.OFFICIAL_SENSITIVE):
        text = pdf_layout_text(report_build(_params(classification, ["referrals", "panels"])).pdf)
        flat = " ".join(text.split())
        assert referral.last_name not in flat
        assert "Testperson" not in flat
        assert referral.narrative not in flat and referral.came_to_light not in flat
        assert "1 May 2012" not in flat and "2012-05-01" not in flat
