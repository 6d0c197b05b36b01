"""Writes for reports: requesting, retrying, sweeping stale runs, notifications and schedules.

The pipeline: `report_request` saves a Report and, on commit, queues `reports.tasks.report_render_task`, which
calls `reports.rendering.report_render(report_id=...)` to make it. A run whose lease expires (the worker was
killed) or whose message was lost is put back in the queue by `reports.leases.report_sweep_stale`.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once
from core.locking import versioned_update
from core.outbox import outbox_email, outbox_task

from .models import ALL_SECTIONS, Classification, Release, Report, ReportSchedule, ReportState
from .periods import is_aligned_schedule, reporting_period_for
from .register import release_current
from .sections import ORDER

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3


def retry_seconds() -> int:
    """The first wait before a retry after a transient fault; it doubles with each retry."""
    return int(getattr(settings, "REPORTS_RETRY_SECONDS", 10))


# ---- parameters ---------------------------------------------------------------------------------------------


def report_parameters(
    *,
    title: str,
    committee: str,
    period_start: date,
    period_end: date,
    classification: str,
    sections: list[str] | None = None,
    meeting_date: date | None = None,
    revision_of: int | None = None,
    revision_reason: str = "",
) -> dict[str, Any]:
    """Everything the report is made from, as JSON, so that it can be made again the same way (a revision's two
    keys only on the report that releases it: made again, it prints the revision as released)."""
    chosen = [s for s in ORDER if s in (sections or ALL_SECTIONS)]
    revision = {"revision_of": revision_of, "revision_reason": revision_reason} if revision_of else {}
    return {
        **revision,
        "title": title,
        "committee": committee,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "meeting_date": meeting_date.isoformat() if meeting_date else None,
        "classification": Classification(classification).value,
        "sections": chosen,
    }


# ---- release periods ------------------------------------------------------------------------------------------


def report_period_check(*, classification: str, period_start: date, period_end: date) -> None:
    """General Release covers only the council's reporting periods (reports/periods.py), once they have ended:
    figures for arbitrary or unfinished periods could be subtracted from each other. OFFICIAL-SENSITIVE reports
    may cover any dates."""
    if classification != Classification.GENERAL_RELEASE:
        return
    if reporting_period_for(period_start, period_end) is None:
        raise ValidationError(
            {"reporting_period": "A General Release report covers one of the council's reporting periods"}
        )
    if period_end >= timezone.localdate():
        raise ValidationError({"reporting_period": "A General Release report covers a period that has ended"})


def schedule_period_check(*, classification: str, frequency: str, next_run_on: date) -> None:
    """A General Release schedule makes reports for whole reporting periods: quarterly or yearly, run on the day
    after a period ends."""
    if classification != Classification.GENERAL_RELEASE:
        return
    months = ReportSchedule(frequency=frequency).months
    if not is_aligned_schedule(months=months, run_on=next_run_on):
        raise ValidationError(
            {
                "frequency": "A General Release schedule makes a report for each reporting period: choose quarterly "
                "or yearly, with reports made on the day after a period ends"
            }
        )


# ---- requesting --------------------------------------------------------------------------------------------


def report_enqueue(report_id: int) -> None:
    """Starts the render through the outbox, in the caller's transaction; the caller records `dispatched_at` in
    the same transaction, so the sweep can tell a lost message, and `report_claim` keeps the making to once however
    many times the task is delivered."""
    from .tasks import report_render_task

    outbox_task(task=report_render_task, args=[report_id])


def report_request(
    *,
    requested_by: User,
    title: str,
    committee: str,
    period_start: date,
    period_end: date,
    classification: str,
    sections: list[str] | None = None,
    meeting_date: date | None = None,
    schedule: ReportSchedule | None = None,
    made_again_from: Report | None = None,
    request: HttpRequest | None = None,
    form_token: str | None = None,
    revision_of: int | None = None,
    revision_reason: str = "",
) -> Report:
    """Saves the request and sends the task that makes it. With a `form_token`, a second request with the same
    token (a double click) returns the first report and makes nothing. General Release is refused for anything
    but an ended reporting period."""
    report_period_check(classification=classification, period_start=period_start, period_end=period_end)
    params = report_parameters(
        title=title,
        committee=committee,
        period_start=period_start,
        period_end=period_end,
        classification=classification,
        sections=sections,
        meeting_date=meeting_date,
        revision_of=revision_of,
        revision_reason=revision_reason,
    )
    report = Report(
        requested_by=requested_by,
        schedule=schedule,
        made_again_from=made_again_from,
        title=title,
        committee=committee,
        meeting_date=meeting_date,
        period_start=period_start,
        period_end=period_end,
        classification=params["classification"],
        parameters=params,
        state=ReportState.QUEUED,
        dispatched_at=timezone.now(),
    )

    def create() -> Report:
        report.full_clean()
        report.save()
        audit_record(
            actor=requested_by,
            action="reports.report_request",
            obj=report,
            changes={k: v for k, v in params.items() if k != "title"},
            detail="made again" if made_again_from else ("scheduled" if schedule else ""),
            request=request,
        )
        report_enqueue(report.pk)
        return report

    return create_once(token=form_token, actor=requested_by, model=Report, create=create)


def report_make_again(
    *, report: Report, requested_by: User, request: HttpRequest | None = None, form_token: str | None = None
) -> Report:
    """A new report with the same parameters (the old one, and its file, are kept). It points at the first making
    (a remake of a remake too), whose figures checksum it is compared with once made."""
    p = report.parameters
    return report_request(
        requested_by=requested_by,
        title=p.get("title", report.title),
        committee=p.get("committee", report.committee),
        period_start=date.fromisoformat(p.get("period_start", report.period_start.isoformat())),
        period_end=date.fromisoformat(p.get("period_end", report.period_end.isoformat())),
        classification=p.get("classification", report.classification),
        sections=p.get("sections"),
        meeting_date=date.fromisoformat(p["meeting_date"]) if p.get("meeting_date") else None,
        made_again_from=report.made_again_from or report,
        request=request,
        form_token=form_token,
    )


@transaction.atomic
def release_revision_request(
    *, release: Release, requested_by: User, reason: str, request: HttpRequest | None = None
) -> Report:
    """A coordinator releases revised figures for a period already released: a General Release report made from
    today's data, checked by the register against every overlapping release, this one included, and from then on
    the figures every General Release report for the period prints. Only the period's current release may be
    revised, and the reason is kept and audited."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the figures are revised"})
    current = release_current(start=release.period_start, end=release.period_end)
    if current is None or current.pk != release.pk:
        raise ValidationError("These figures have been revised already: revise the latest release of the period")
    first = release.report
    report = report_request(
        requested_by=requested_by,
        title=first.title if first else "Prevent duty: delivery update (revised figures)",
        committee=first.committee if first else "Scrutiny Committee",
        period_start=release.period_start,
        period_end=release.period_end,
        classification=Classification.GENERAL_RELEASE,
        sections=first.sections if first else None,
        meeting_date=first.meeting_date if first else None,
        request=request,
        revision_of=release.pk,
        revision_reason=reason,
    )
    audit_record(
        actor=requested_by,
        action="reports.release_revision",
        obj=release,
        changes={"report": report.pk},
        detail=reason[:500],
        request=request,
    )
    return report


@transaction.atomic
def report_retry(*, report: Report, actor: User, request: HttpRequest | None = None) -> Report:
    """Put a failed report back in the queue."""
    updated = Report.objects.filter(pk=report.pk, state=ReportState.FAILED).update(
        state=ReportState.QUEUED,
        progress=0,
        progress_note="Waiting to start again",
        heartbeat_at=None,
        claimed_until=None,
        dispatched_at=timezone.now(),
    )
    if updated:
        audit_record(actor=actor, action="reports.report_retry", obj=report, request=request)
        report_enqueue(report.pk)
    report.refresh_from_db()
    return report


def report_record_download(*, report: Report, user: User, request: HttpRequest | None = None) -> None:
    audit_record(
        actor=user,
        action="reports.report_download",
        obj=report,
        detail=f"{report.get_classification_display()}; sha256 {report.sha256[:16]}",
        request=request,
    )


# ---- notifications and schedules -----------------------------------------------------------------------------


def report_notify_ready(*, report: Report) -> None:
    """Scheduled reports tell their recipients by e-mail: a link only, never a figure."""
    if report.schedule_id is None or report.schedule is None:
        return
    outbox_email(
        to=report.schedule.recipient_list(),
        template="reports/email/scheduled_report_ready",
        context_ids={"report": report.pk},
    )


def schedule_create(
    *,
    created_by: User,
    title: str,
    committee: str,
    frequency: str,
    classification: str,
    sections: list[str],
    recipients: str,
    next_run_on: date,
    request: HttpRequest | None = None,
    form_token: str | None = None,
) -> ReportSchedule:
    schedule = ReportSchedule(
        created_by=created_by,
        title=title,
        committee=committee,
        frequency=frequency,
        classification=classification,
        sections=[s for s in ORDER if s in sections],
        recipients=recipients,
        next_run_on=next_run_on,
    )

    def create() -> ReportSchedule:
        schedule_period_check(classification=classification, frequency=frequency, next_run_on=next_run_on)
        schedule.full_clean()
        schedule.save()
        audit_record(actor=created_by, action="reports.schedule_create", obj=schedule, request=request)
        return schedule

    return create_once(token=form_token, actor=created_by, model=ReportSchedule, create=create)


SCHEDULE_EDITABLE = ("title", "committee", "frequency", "classification", "sections", "recipients")


class ScheduleChanges(TypedDict, total=False):
    """The fields of a schedule `schedule_update` changes (SCHEDULE_EDITABLE), each optional."""

    title: str
    committee: str
    frequency: str
    classification: str
    sections: list[str]
    recipients: str


@transaction.atomic
def schedule_update(
    *,
    schedule: ReportSchedule,
    actor: User,
    expected_version: int | None,
    request: HttpRequest | None = None,
    **changes: Unpack[ScheduleChanges],
) -> ReportSchedule:
    """Changes what the schedule makes and who is told. Refused with StaleEdit if someone else changed the
    schedule (or its report was made, moving it on) since the page was opened."""
    unknown = set(changes) - set(SCHEDULE_EDITABLE)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    if "sections" in changes:
        changes["sections"] = [s for s in ORDER if s in changes["sections"]]
    old = {name: getattr(schedule, name) for name in changes}
    for name, value in changes.items():
        setattr(schedule, name, value)
    schedule_period_check(
        classification=schedule.classification, frequency=schedule.frequency, next_run_on=schedule.next_run_on
    )
    schedule.full_clean()
    versioned_update(instance=schedule, expected_version=expected_version, fields=list(changes))
    audit_record(
        actor=actor,
        action="reports.schedule_update",
        obj=schedule,
        changes={k: {"old": old[k], "new": v} for k, v in changes.items() if old[k] != v},
        request=request,
    )
    return schedule


@transaction.atomic
def schedule_stop(
    *, schedule: ReportSchedule, actor: User, request: HttpRequest | None = None, expected_version: int | None = None
) -> ReportSchedule:
    schedule.is_active = False
    versioned_update(instance=schedule, expected_version=expected_version, fields=["is_active"])
    audit_record(actor=actor, action="reports.schedule_stop", obj=schedule, request=request)
    return schedule


def schedules_run_due(*, today: date | None = None) -> list[Report]:
    """Make the report of every active schedule that is due, and move the schedule on one period. Claimed with a
    conditional UPDATE, so two beat runs never make the same report twice."""
    from .models import add_months

    today = today or timezone.localdate()
    made = []
    for schedule in ReportSchedule.objects.filter(is_active=True, next_run_on__lte=today).select_related("created_by"):
        run_on = schedule.next_run_on
        if schedule.classification == Classification.GENERAL_RELEASE and not is_aligned_schedule(
            months=schedule.months, run_on=run_on
        ):
            # Saved before General Release kept to reporting periods: left for a coordinator to change.
            logger.warning("schedule %s: not made, its period is not a reporting period", schedule.pk)
            continue
        with transaction.atomic():
            # The version rises too: an edit page opened before the run must not write the old date back.
            claimed = ReportSchedule.objects.filter(pk=schedule.pk, next_run_on=run_on).update(
                next_run_on=add_months(run_on, schedule.months), last_run_at=timezone.now(), version=F("version") + 1
            )
            if not claimed:
                continue
            start, end = schedule.period_for(run_on)
            made.append(
                report_request(
                    requested_by=schedule.created_by,
                    title=schedule.title,
                    committee=schedule.committee,
                    period_start=start,
                    period_end=end,
                    classification=schedule.classification,
                    sections=schedule.sections or ALL_SECTIONS,
                    schedule=schedule,
                )
            )
    return made
