"""Report pages that create or edit: a double-submitted request, schedule or "make again" makes one record and
the second answer goes to the same place; a schedule changed by someone else (or moved on by its run) since the
page was opened is refused with their values shown and the person's own kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from core.idempotency import form_token_mint
from core.locking import STALE_MESSAGE
from reports.models import Report, ReportSchedule
from reports.services import schedule_update, schedules_run_due

from .factories import ReportScheduleFactory, finished_report
from .test_views import FORM

pytestmark = pytest.mark.django_db

SCHEDULE = {
    "title": "Quarterly Prevent update",
    "committee": "Scrutiny Co-ordination Committee",
    "frequency": "quarterly",
    "sections": ["schools", "referrals"],
    "classification": "general",
    "recipients": "clerk@northbrook.example.gov.uk",
}


def _twice(client, url: str, data: dict[str, object]) -> tuple[object, object]:
    return client.post(url, data), client.post(url, data)


def test_a_double_submitted_report_request_makes_one_report(coordinator, client_for):
    first, second = _twice(client_for(coordinator), reverse("reports:request"), FORM)
    report = Report.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("reports:detail", kwargs={"pk": report.pk})


def test_a_double_submitted_make_again_makes_one_report(coordinator, client_for):
    original = finished_report(requested_by=coordinator)
    url = reverse("reports:make_again", kwargs={"pk": original.pk})
    first, second = _twice(client_for(coordinator), url, {"form_token": form_token_mint()})
    again = Report.objects.get(made_again_from=original)
    assert first.url == second.url == reverse("reports:detail", kwargs={"pk": again.pk})


def test_a_double_submitted_schedule_makes_one_schedule(coordinator, client_for):
    data = {**SCHEDULE, "first_run_on_0": "1", "first_run_on_1": "1", "first_run_on_2": str(date.today().year + 1)}
    data["form_token"] = form_token_mint()
    first, second = _twice(client_for(coordinator), reverse("reports:schedule_new"), data)
    assert ReportSchedule.objects.count() == 1
    assert first.url == second.url == reverse("reports:schedules")


def test_a_schedule_is_changed_from_its_page(coordinator, client_for):
    schedule = ReportScheduleFactory(created_by=coordinator)
    url = reverse("reports:schedule_edit", kwargs={"pk": schedule.pk})
    page = client_for(coordinator).get(url).content.decode()
    assert 'name="version"' in page
    response = client_for(coordinator).post(url, {**SCHEDULE, "title": "Renamed", "version": schedule.version})
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.title == "Renamed" and schedule.version == 2


def test_a_schedule_changed_by_someone_else_meanwhile_is_refused_and_the_typed_values_kept(
    coordinator, client_for, make_user
):
    schedule = ReportScheduleFactory(created_by=coordinator)
    opened_at = schedule.version
    schedule_update(
        schedule=ReportSchedule.objects.get(pk=schedule.pk),
        actor=make_user("coordinator"),
        expected_version=opened_at,
        title="Their title",
    )
    url = reverse("reports:schedule_edit", kwargs={"pk": schedule.pk})
    response = client_for(coordinator).post(url, {**SCHEDULE, "title": "My title", "version": opened_at})
    page = response.content.decode()
    assert response.status_code == 200
    assert STALE_MESSAGE in page and "Their title" in page and 'value="My title"' in page
    assert ReportSchedule.objects.get(pk=schedule.pk).title == "Their title"


def test_a_schedule_run_since_the_page_was_opened_refuses_the_save(coordinator, client_for):
    """Otherwise the save would write back the schedule as it was, and nothing would say a report was made."""
    schedule = ReportScheduleFactory(created_by=coordinator, next_run_on=date(2026, 10, 1))
    opened_at = schedule.version
    schedules_run_due(today=date(2026, 10, 1))
    url = reverse("reports:schedule_edit", kwargs={"pk": schedule.pk})
    response = client_for(coordinator).post(url, {**SCHEDULE, "version": opened_at})
    assert STALE_MESSAGE in response.content.decode()
    assert ReportSchedule.objects.get(pk=schedule.pk).next_run_on == date(2027, 1, 1)
