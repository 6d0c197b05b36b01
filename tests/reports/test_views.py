"""Report pages: request, progress, download, history, make again, try again, schedules; and who is refused."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from core.idempotency import form_token_mint
from core.models import AuditEvent
from reports.models import Classification, Report, ReportSchedule, ReportState
from tests.support.clock import TODAY, frozen
from tests.support.exports import csv_rows
from tests.support.queries import assert_flat_queries

from .factories import ReportFactory, ReportScheduleFactory, finished_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]  # dates typed as on a calendar

FORM = {
    "title": "Prevent duty: delivery update",
    "committee": "Scrutiny Co-ordination Committee",
    "meeting_date_0": "8",
    "meeting_date_1": "2",
    "meeting_date_2": "2027",
    "reporting_period": "2026-07-01:2026-09-30",  # the second quarter of 2026/27, ended before TODAY
    "sections": ["schools", "referrals"],
    "classification": Classification.GENERAL_RELEASE,
    "form_token": form_token_mint(),  # each test's database starts empty, so one token serves them all
}

# OFFICIAL-SENSITIVE reports may cover any dates.
SENSITIVE_FORM = {
    **{k: v for k, v in FORM.items() if k != "reporting_period"},
    "classification": Classification.OFFICIAL_SENSITIVE,
    "period_start_0": "1",
    "period_start_1": "4",
    "period_start_2": "2026",
    "period_end_0": "30",
    "period_end_1": "9",
    "period_end_2": "2026",
}


def test_coordinator_requests_a_report_and_it_is_made_in_process(
    coordinator, client_for, django_capture_on_commit_callbacks
):
    client = client_for(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request"), FORM)
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", kwargs={"pk": report.pk})
    assert report.requested_by == coordinator
    assert report.parameters["sections"] == ["schools", "referrals"]
    assert report.parameters["meeting_date"] == "2027-02-08"
    assert report.state == ReportState.DONE, report.error
    assert len(report.sha256) == 64 and report.pages >= 3
    assert AuditEvent.objects.filter(action="reports.report_request", object_id=str(report.pk)).exists()

    page = client.get(reverse("reports:detail", kwargs={"pk": report.pk}))
    assert "Download the report (PDF)" in page.content.decode()
    assert report.sha256 in page.content.decode()

    download = client.get(reverse("reports:download", kwargs={"pk": report.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="reports.report_download", object_id=str(report.pk)).count() == 1


def test_the_period_may_end_up_to_a_year_ahead_even_on_29_february():
    from reports.forms import ReportRequestForm

    def period_end_errors(end: date) -> list[str]:
        data = dict(SENSITIVE_FORM, period_end_0=str(end.day), period_end_1=str(end.month), period_end_2=str(end.year))
        form = ReportRequestForm(data)
        form.is_valid()
        return form.errors.get("period_end", [])

    with frozen(date(2028, 2, 29)):  # a year on from 29 February is the 28th
        assert period_end_errors(date(2029, 2, 28)) == []
        assert period_end_errors(date(2029, 3, 1)) == ["Period to must be within a year from today"]


def test_a_bad_request_shows_the_error_summary_and_saves_nothing(coordinator, client_for):
    data = dict(SENSITIVE_FORM, period_end_0="31", period_end_1="3", period_end_2="2026", sections=[])
    response = client_for(coordinator).post(reverse("reports:request"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "Period to must be the same as or after period from" in html
    assert "Select at least one section" in html
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["adviser", "csc_practitioner", "panel_chair", "scrutiny"])
def test_readers_may_not_request_reports(role, request, client_for):
    user = request.getfixturevalue(role)
    assert client_for(user).post(reverse("reports:request"), FORM).status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["dsl", "panel_member", "sysadmin", "no_role_user"])
def test_roles_without_reports_do_not_see_the_pages(role, request, client_for):
    user = request.getfixturevalue(role)
    report = finished_report()
    client = client_for(user)
    assert client.get(reverse("reports:list")).status_code == 404
    assert client.get(reverse("reports:export")).status_code == 404
    assert client.get(reverse("reports:download", kwargs={"pk": report.pk})).status_code == 404


def test_scrutiny_sees_and_downloads_only_finished_general_release_reports(scrutiny, client_for):
    published = finished_report(title="Published update")
    sensitive = finished_report(title="Sensitive update", classification=Classification.OFFICIAL_SENSITIVE)
    queued = ReportFactory(title="Queued update")
    client = client_for(scrutiny)
    html = client.get(reverse("reports:list")).content.decode()
    assert "Published update" in html
    assert "Sensitive update" not in html and "Queued update" not in html
    assert client.get(reverse("reports:download", kwargs={"pk": published.pk})).status_code == 200
    for other in (sensitive, queued):
        assert client.get(reverse("reports:detail", kwargs={"pk": other.pk})).status_code == 404
        assert client.get(reverse("reports:download", kwargs={"pk": other.pk})).status_code == 404
        assert client.get(reverse("reports:status", kwargs={"pk": other.pk})).status_code == 404


def test_panel_chairs_do_not_see_official_sensitive_reports(panel_chair, client_for):
    sensitive = finished_report(classification=Classification.OFFICIAL_SENSITIVE)
    assert client_for(panel_chair).get(reverse("reports:download", kwargs={"pk": sensitive.pk})).status_code == 404


def test_status_endpoint_gives_state_and_progress_only(coordinator, client_for):
    report = ReportFactory(state=ReportState.RUNNING, progress=40, progress_note="Gathering figures: referrals")
    response = client_for(coordinator).get(reverse("reports:status", kwargs={"pk": report.pk}))
    data = json.loads(response.content)
    assert data == {
        "state": "running",
        "state_label": "Being made",
        "progress": 40,
        "note": "Gathering figures: referrals",
        "finished": False,
        "download_url": None,
    }


def test_the_progress_page_has_a_live_region_a_plain_refresh_link_and_no_inline_script(coordinator, client_for):
    report = ReportFactory(state=ReportState.RUNNING, progress=40)
    html = client_for(coordinator).get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert 'aria-live="polite"' in html
    assert "Refresh this page" in html
    assert "js/reports-status" in html
    assert "<script>" not in html


def test_a_failed_report_shows_its_reason_and_can_be_tried_again(
    coordinator, client_for, django_capture_on_commit_callbacks
):
    report = ReportFactory(state=ReportState.FAILED, error="The file could not be saved: No space left on device.")
    client = client_for(coordinator)
    html = client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    assert "No space left on device" in html and "Try again" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", kwargs={"pk": report.pk}))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert report.attempts == 1


def test_make_again_creates_a_new_report_with_the_same_parameters(
    coordinator, client_for, django_capture_on_commit_callbacks
):
    original = finished_report(requested_by=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("reports:make_again", kwargs={"pk": original.pk}), {"form_token": form_token_mint()}
        )
    again = Report.objects.exclude(pk=original.pk).get()
    assert response.url == reverse("reports:detail", kwargs={"pk": again.pk})
    assert again.parameters == original.parameters
    assert again.made_again_from == original
    assert again.state == ReportState.DONE


def test_report_history_keeps_a_flat_query_count(coordinator, client_for):
    client = client_for(coordinator)
    for _ in range(3):
        finished_report(requested_by=coordinator)

    def grow():
        from tests.accounts.factories import UserFactory

        users = [UserFactory() for _ in range(5)]
        Report.objects.bulk_create(
            [
                Report(
                    requested_by=users[i % 5],
                    title=f"Report {i}",
                    committee="Scrutiny",
                    period_start=date(2026, 4, 1),
                    period_end=date(2026, 9, 30),
                    classification=Classification.GENERAL_RELEASE,
                    parameters={},
                    state=ReportState.DONE,
                )
                for i in range(200)
            ]
        )

    count = assert_flat_queries(fetch=lambda: client.get(reverse("reports:list")), grow=grow)
    assert count <= 12
    params = {"q": "report", "period_from": "1/1/2026", "sort": "-title"}
    for name in ("reports:list", "reports:export"):
        assert_flat_queries(fetch=lambda name=name: client.get(reverse(name), params), grow=grow)


def test_scrutiny_exports_the_published_list_without_who_asked(scrutiny, coordinator, client_for):
    finished_report(title="=Published update")
    finished_report(title="Sensitive update", classification=Classification.OFFICIAL_SENSITIVE)
    rows = csv_rows(client_for(scrutiny).get(reverse("reports:export"), {"classification": "official_sensitive"}))
    assert [r[0] for r in rows[1:]] == ["'=Published update"] and "Asked for by" not in rows[0]
    rows = csv_rows(client_for(coordinator).get(reverse("reports:export"), {"q": "update", "sort": "title"}))
    assert [r[0] for r in rows[1:]] == ["'=Published update", "Sensitive update"] and rows[0][-1] == "Asked for by"
    body = client_for(coordinator).get(reverse("reports:list"), {"sort": "-title"}).content.decode()
    assert body.index("Sensitive update") < body.index("=Published update") and 'aria-sort="descending"' in body


def test_coordinator_schedules_a_quarterly_report(coordinator, client_for):
    today = TODAY
    response = client_for(coordinator).post(
        reverse("reports:schedule_new"),
        {
            "title": "Quarterly Prevent update",
            "committee": "Scrutiny Co-ordination Committee",
            "frequency": "quarterly",
            "first_run_on_0": "15",
            "first_run_on_1": "12",
            "first_run_on_2": str(today.year),
            "sections": ["schools", "referrals"],
            "classification": Classification.GENERAL_RELEASE,
            "recipients": "clerk@northbrook.example.gov.uk\nchair@northbrook.example.gov.uk",
            "form_token": form_token_mint(),
        },
    )
    assert response.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert schedule.next_run_on == date(today.year + 1, 1, 1)  # moved to the first of the next month
    assert schedule.recipient_list() == ["clerk@northbrook.example.gov.uk", "chair@northbrook.example.gov.uk"]


def test_a_due_schedule_makes_its_report_and_sends_a_link_without_figures(
    coordinator, django_capture_on_commit_callbacks
):
    from reports.services import schedules_run_due

    schedule = ReportScheduleFactory(
        created_by=coordinator, next_run_on=date(2026, 10, 1), recipients="clerk@northbrook.example.gov.uk"
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = schedules_run_due(today=date(2026, 10, 1))
    assert len(made) == 1
    report = Report.objects.get()
    assert (report.period_start, report.period_end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert report.state == ReportState.DONE
    schedule.refresh_from_db()
    assert schedule.next_run_on == date(2027, 1, 1)
    assert schedules_run_due(today=date(2026, 10, 1)) == []  # not twice
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert reverse("reports:detail", kwargs={"pk": report.pk}) in body
    assert "%" not in body and "referral" not in body.lower() and "school" not in body.lower()


def test_home_page_shows_coordinators_report_states_and_scrutiny_the_published_reports(
    coordinator, scrutiny, client_for
):
    finished_report(title="Published update")
    ReportFactory(title="Queued update")
    coordinator_home = client_for(coordinator).get(reverse("core:home")).content.decode()
    assert "Queued update" in coordinator_home and "Published update" in coordinator_home
    scrutiny_home = client_for(scrutiny).get(reverse("core:home")).content.decode()
    assert "Published update" in scrutiny_home and "Queued update" not in scrutiny_home


def test_a_general_release_schedule_must_follow_the_reporting_periods(coordinator):
    from django.core.exceptions import ValidationError

    from reports.services import schedule_create

    for frequency, first in (
        ("monthly", date(2027, 1, 1)),
        ("quarterly", date(2027, 2, 1)),
        ("yearly", date(2027, 1, 1)),
    ):
        with pytest.raises(ValidationError) as refused:
            schedule_create(
                created_by=coordinator,
                title="Update",
                committee="Scrutiny",
                frequency=frequency,
                classification=Classification.GENERAL_RELEASE,
                sections=["referrals"],
                recipients="",
                next_run_on=first,
            )
        assert "reporting period" in str(refused.value)
    yearly = schedule_create(
        created_by=coordinator,
        title="Annual update",
        committee="Scrutiny",
        frequency="yearly",
        classification=Classification.GENERAL_RELEASE,
        sections=["referrals"],
        recipients="",
        next_run_on=date(2027, 4, 1),
    )
    assert yearly.period_for(yearly.next_run_on) == (date(2026, 4, 1), date(2027, 3, 31))
    # OFFICIAL-SENSITIVE schedules may run monthly.
    schedule_create(
        created_by=coordinator,
        title="Monthly",
        committee="Prevent board",
        frequency="monthly",
        classification=Classification.OFFICIAL_SENSITIVE,
        sections=["referrals"],
        recipients="",
        next_run_on=date(2027, 2, 1),
    )


def test_general_release_is_refused_by_the_service_for_dates_that_are_no_ended_reporting_period(coordinator):
    from django.core.exceptions import ValidationError

    from reports.services import report_request

    for start, end in (
        (date(2026, 4, 1), date(2026, 9, 30)),  # two quarters
        (date(2026, 7, 2), date(2026, 9, 30)),  # a day short
        (date(2026, 10, 1), date(2026, 12, 31)),  # not ended on TODAY
    ):
        with pytest.raises(ValidationError):
            report_request(
                requested_by=coordinator,
                title="t",
                committee="c",
                period_start=start,
                period_end=end,
                classification=Classification.GENERAL_RELEASE,
            )
    sensitive = report_request(
        requested_by=coordinator,
        title="t",
        committee="c",
        period_start=date(2026, 4, 3),
        period_end=date(2026, 9, 30),
        classification=Classification.OFFICIAL_SENSITIVE,
    )
    assert sensitive.pk
    assert not Report.objects.filter(classification=Classification.GENERAL_RELEASE).exists()


def test_the_form_offers_reporting_periods_for_general_release_and_refuses_dates(coordinator, client_for):
    client = client_for(coordinator)
    html = client.get(reverse("reports:request")).content.decode()
    assert 'value="2026-07-01:2026-09-30"' in html and "Quarter 2 of 2026/27" in html
    assert 'value="2025-04-01:2026-03-31"' in html and "Financial year 2025/26" in html
    assert 'value="2026-10-01:2026-12-31"' not in html  # not ended yet
    data = dict(FORM, period_start_0="3", period_start_1="4", period_start_2="2026")
    response = client.post(reverse("reports:request"), data)
    assert "Leave the dates blank for General Release" in response.content.decode()
    response = client.post(reverse("reports:request"), dict(FORM, reporting_period=""))
    assert "Choose the reporting period the report covers" in response.content.decode()
    assert not Report.objects.exists()


def test_the_publication_register_keeps_a_flat_query_count(coordinator, client_for):
    from reports.models import Release

    from .factories import release_for

    client = client_for(coordinator)
    release_for(finished_report(requested_by=coordinator))

    def grow():
        # 40 periods' releases, each with its report and a coordinator's revision (the page is 25 a page).
        for n in range(40):
            start = date(2015 + n // 4, 1 + 3 * (n % 4), 1)
            end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1) - timedelta(days=1)
            original = release_for(finished_report(requested_by=coordinator, period_start=start, period_end=end))
            Release.objects.create(
                period_start=original.period_start,
                period_end=original.period_end,
                revision_of=original,
                released_by=coordinator,
                reason="Late referrals",
                figures=original.figures,
            )

    count = assert_flat_queries(fetch=lambda: client.get(reverse("reports:register")), grow=grow)
    assert count <= 10
