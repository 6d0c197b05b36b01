from __future__ import annotations

from reports.models import ReportState
from tests.support.access import ADVISER, CHAIR, COORDINATOR, CSC, SCRUTINY, Row

READERS = {COORDINATOR, ADVISER, CSC, CHAIR, SCRUTINY}
NOT_COORDINATOR_READERS = READERS - {COORDINATOR}


def build(world):
    from .factories import ReportFactory, ReportScheduleFactory, finished_report, release_for

    coordinator = world.users[COORDINATOR]
    world.report = finished_report(requested_by=coordinator)
    world.failed_report = finished_report(requested_by=coordinator)
    world.failed_report.state = ReportState.FAILED
    world.failed_report.save(update_fields=["state"])
    world.queued_report = ReportFactory(requested_by=coordinator)
    world.schedule = ReportScheduleFactory(created_by=coordinator)
    world.release = release_for(world.report)


ROWS = {
    "reports:list": Row(ok=READERS),
    "reports:export": Row(ok=READERS),
    "reports:request": Row(ok={COORDINATOR}, read_only=NOT_COORDINATOR_READERS),
    "reports:detail": Row(ok=READERS, kwargs=lambda w: {"pk": w.report.pk}),
    "reports:status": Row(ok=READERS, kwargs=lambda w: {"pk": w.report.pk}),
    "reports:download": Row(ok=READERS, kwargs=lambda w: {"pk": w.report.pk}),
    "reports:make_again": Row(
        ok={COORDINATOR}, ok_status=405, read_only=NOT_COORDINATOR_READERS, kwargs=lambda w: {"pk": w.report.pk}
    ),
    # A failed report is the coordinators' business: other readers see finished General Release reports only.
    "reports:retry": Row(ok={COORDINATOR}, ok_status=405, kwargs=lambda w: {"pk": w.failed_report.pk}),
    "reports:register": Row(ok={COORDINATOR}, read_only=NOT_COORDINATOR_READERS),
    "reports:release_revise": Row(
        ok={COORDINATOR}, read_only=NOT_COORDINATOR_READERS, kwargs=lambda w: {"pk": w.release.pk}
    ),
    "reports:schedules": Row(ok={COORDINATOR}, read_only=NOT_COORDINATOR_READERS),
    "reports:schedule_new": Row(ok={COORDINATOR}, read_only=NOT_COORDINATOR_READERS),
    "reports:schedule_edit": Row(
        ok={COORDINATOR}, read_only=NOT_COORDINATOR_READERS, kwargs=lambda w: {"pk": w.schedule.pk}
    ),
    "reports:schedule_stop": Row(
        ok={COORDINATOR}, ok_status=405, read_only=NOT_COORDINATOR_READERS, kwargs=lambda w: {"pk": w.schedule.pk}
    ),
}
