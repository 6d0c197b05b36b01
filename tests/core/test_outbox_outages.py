"""Nothing is lost when a server is away: real SMTP servers (one that closes every connection, then a working
one on the same port) and a Redis server of the test's own that is stopped and started again, with a real
Celery worker. The request never shows an error; the sweep and the worker send each message once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import date
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from core.models import OutboxMessage
from core.outbox import outbox_sweep
from referrals.models import ConcernType, EarlyHelp, Referral, Status, YesNoUnknown
from reports.models import Report, ReportState
from reports.services import schedules_run_due
from tests.referrals.factories import DraftReferralFactory
from tests.reports.factories import ReportScheduleFactory
from tests.reports.test_views import FORM
from tests.support import services as support
from tests.support.celery_worker import celery_on_broker, start_worker, stop_worker
from tests.support.mail_servers import accepting_smtp_server, closing_smtp_server, free_port, use_smtp
from tests.support.redis_server import own_redis_server, redis_server_available

Sent = OutboxMessage.Status.SENT
Pending = OutboxMessage.Status.PENDING


def _ready_draft(dsl: Any, school: Any) -> Referral:
    """A draft with every step answered. The concern type is made here: a transactional test may run after
    another has emptied the tables the migrations seed."""
    concern_type = ConcernType.objects.first() or ConcernType.objects.create(label="Mixed or unclear")
    answered = dict.fromkeys(("mental_health", "exploitation", "online_harm", "family_spoken_to"), YesNoUnknown.NO)
    return DraftReferralFactory(
        created_by=dsl,
        school=school,
        concern_type=concern_type,
        early_help=EarlyHelp.NO,
        team_around_child=YesNoUnknown.NO,
        **answered,
    )


def _submit(client: Any, draft: Referral) -> Any:
    return client.post(reverse("referrals:check", args=[draft.pk]), {"version": draft.version})


def _bodies_to(received: list[Message], address: str) -> list[str]:
    return [m.get_payload() for m in received if m["To"] == address]


def test_a_referral_sent_while_the_mail_server_is_down_is_saved_and_mailed_once_when_it_is_back(
    client_for, dsl, school, coordinator, settings, django_capture_on_commit_callbacks
):
    port = free_port()
    use_smtp(settings, port)
    settings.OUTBOX_RETRY_SECONDS = 0  # due again at once, so the sweep below need not wait
    draft = _ready_draft(dsl, school)
    with closing_smtp_server(port), django_capture_on_commit_callbacks(execute=True):
        response = _submit(client_for(dsl), draft)
    assert response.status_code == 302  # the confirmation, not an error page
    draft.refresh_from_db()
    assert draft.status == Status.NEW and draft.reference
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (Pending, 1)
    assert message.last_error.startswith("SMTPServerDisconnected")

    with accepting_smtp_server(port) as received:
        assert outbox_sweep() == 1
        assert outbox_sweep() == 0  # sent: never again
    [mail] = received
    assert mail["To"] == coordinator.email
    body = mail.get_payload()
    assert f"/referrals/{draft.pk}/" in body
    for secret in (draft.first_name, draft.last_name, draft.narrative, draft.reference):
        assert secret not in body and secret not in mail["Subject"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Sent, 2)


def _wait_for(condition: Callable[[], bool], *, what: str, logs: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            log = "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(logs.glob("worker-*.log")))
            raise AssertionError(f"waited {timeout}s for {what}\n{log}")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_with_redis_away_requests_show_no_error_and_the_sweep_and_a_worker_do_each_thing_once(
    client_for, coordinator, dsl, school, settings, tmp_path
):
    support.require(redis_server_available(), "redis-server is not installed")
    redis_port, smtp_port = free_port(), free_port()
    use_smtp(settings, smtp_port)
    queue = f"outbox-test-{uuid.uuid4().hex[:10]}"
    draft = _ready_draft(dsl, school)
    ReportScheduleFactory(
        created_by=coordinator, next_run_on=date(2026, 10, 1), recipients="clerk@northbrook.example.gov.uk"
    )
    with accepting_smtp_server(smtp_port) as received:
        with own_redis_server(redis_port) as redis_url:
            pass  # started and stopped: the portal is configured for a Redis that is now away
        with celery_on_broker(redis_url, queue):
            requested = client_for(coordinator).post(reverse("reports:request"), FORM)
            submitted = _submit(client_for(dsl), draft)
            scheduled = schedules_run_due(today=date(2026, 10, 1))  # what the beat task does
            assert requested.status_code == 302 and submitted.status_code == 302
            assert len(scheduled) == 1
            assert set(Report.objects.values_list("state", flat=True)) == {ReportState.QUEUED}
            assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(Pending, 0)}
            assert OutboxMessage.objects.count() == 3  # two renders to start, one e-mail to send

            with own_redis_server(redis_port):
                worker = start_worker(
                    broker_url=redis_url,
                    queue=queue,
                    name=queue,
                    log=tmp_path / "worker-0.log",
                    TEST_EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
                )
                try:
                    assert outbox_sweep() == 3
                    _wait_for(
                        lambda: set(Report.objects.values_list("state", flat=True)) == {ReportState.DONE},
                        what="both reports to be made",
                        logs=tmp_path,
                    )
                    # The scheduled report's "ready" e-mail is written by the worker and sent by it.
                    _wait_for(
                        lambda: len(received) == 2 and not OutboxMessage.objects.exclude(status=Sent).exists(),
                        what="the e-mails",
                        logs=tmp_path,
                    )
                    assert outbox_sweep() == 0
                    time.sleep(2)  # time for anything sent twice to arrive
                finally:
                    stop_worker(worker)
    assert list(Report.objects.values_list("attempts", flat=True)) == [1, 1]
    assert OutboxMessage.objects.count() == 4 and not OutboxMessage.objects.exclude(status=Sent).exists()
    assert len(received) == 2
    [referral_mail] = _bodies_to(received, coordinator.email)
    assert f"/referrals/{draft.pk}/" in referral_mail
    [report_mail] = _bodies_to(received, "clerk@northbrook.example.gov.uk")
    assert reverse("reports:detail", kwargs={"pk": scheduled[0].pk}) in report_mail
