"""The outbox (core/outbox.py): rows written with the change, delivered after commit, retried with a doubling
wait, failed after the last attempt, delivered once however many try; the system administrators' page."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse

from core.models import AuditEvent, OutboxMessage
from core.outbox import outbox_deliver, outbox_email, outbox_sweep, outbox_task
from tests.support.clock import LONDON, TODAY
from tests.support.mail_servers import free_port, use_smtp
from tests.support.queries import assert_flat_queries

FIXED_NOW = datetime.combine(TODAY, time(9, 0), tzinfo=LONDON)
Status = OutboxMessage.Status


@pytest.fixture
def mail_server_down(settings: Any) -> None:
    """The real SMTP backend, pointed at a local port where nothing listens: every connection is refused."""
    use_smtp(settings, free_port())


def _email(**kwargs: Any) -> OutboxMessage:
    with transaction.atomic():
        outbox_email(
            to=kwargs.get("to", ["coordinator@example.test"]),
            template="referrals/email/new_referral",
            context_ids={"referral": kwargs.get("referral", 42)},
        )
    return OutboxMessage.objects.latest("pk")


def test_a_row_is_written_only_if_the_change_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        outbox_email(to=["a@example.test"], template="referrals/email/new_referral", context_ids={"referral": 1})
        raise RuntimeError("the change fails")
    assert not OutboxMessage.objects.exists() and not mail.outbox


def test_an_email_is_rendered_at_delivery_from_ids_with_a_link_only(db, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        message = _email(referral=42)
    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 1 and message.sent_at is not None
    assert message.context_ids == {"referral": 42} and message.recipients == ["coordinator@example.test"]
    [sent] = mail.outbox
    assert sent.to == ["coordinator@example.test"]
    assert sent.subject == "A new Prevent referral needs triage – Prevent Portal"
    assert f"{settings.SITE_URL.rstrip('/')}/referrals/42/" in sent.body


def test_nobody_to_send_to_writes_nothing(db):
    outbox_email(to=["", "  "], template="referrals/email/new_referral", context_ids={"referral": 1})
    assert not OutboxMessage.objects.exists()


def test_a_task_row_starts_its_task_after_commit(db, django_capture_on_commit_callbacks, coordinator):
    from reports.tasks import report_sweep_stale_task

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox_task(task=report_sweep_stale_task)
    message = OutboxMessage.objects.get()
    assert (message.kind, message.task, message.status) == ("task", "reports.tasks.report_sweep_stale_task", "sent")


def test_a_mail_server_that_refuses_leaves_the_row_pending_with_a_doubling_wait_then_failed(
    db, settings, mail_server_down, django_capture_on_commit_callbacks
):
    settings.OUTBOX_RETRY_SECONDS = 60
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with time_machine.travel(FIXED_NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            message = _email()  # delivered in process after commit: fails, raises nothing
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.PENDING, 1)
        assert message.next_attempt_at == FIXED_NOW + timedelta(seconds=60)
        assert message.last_error.startswith("ConnectionRefusedError")
        assert outbox_sweep() == 0  # not due yet
    with time_machine.travel(FIXED_NOW + timedelta(seconds=61), tick=False):
        assert outbox_sweep() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == (Status.PENDING, 2)
        assert message.next_attempt_at == FIXED_NOW + timedelta(seconds=61 + 120)  # the wait doubled
    with time_machine.travel(FIXED_NOW + timedelta(seconds=61 + 121), tick=False):
        assert outbox_sweep() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 3)
    assert outbox_sweep() == 0 and not mail.outbox


def test_a_claimed_row_is_not_delivered_again_until_its_claim_lapses(db, settings):
    settings.OUTBOX_CLAIM_SECONDS = 300
    with time_machine.travel(FIXED_NOW, tick=False):
        message = _email()  # on_commit never runs inside the test's transaction: the row waits
        OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=FIXED_NOW + timedelta(seconds=300))
        assert outbox_deliver(message_id=message.pk) is None
        assert outbox_sweep() == 0
    with time_machine.travel(FIXED_NOW + timedelta(seconds=301), tick=False):
        assert outbox_sweep() == 1  # the worker that claimed it died: the claim lapsed
    assert len(mail.outbox) == 1


def test_delivering_the_same_row_twice_sends_once(db):
    message = _email()
    assert outbox_deliver(message_id=message.pk) == Status.SENT
    assert outbox_deliver(message_id=message.pk) is None
    assert outbox_sweep() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_the_same_rows_send_each_once():
    messages = [_email(to=[f"person{i}@example.test"]) for i in range(6)]
    OutboxMessage.objects.update(status=Status.PENDING, attempts=0, sent_at=None)  # as if never delivered
    mail.outbox.clear()
    start = threading.Barrier(4)

    def worker(kind: int) -> None:
        try:
            start.wait()
            if kind % 2:
                outbox_sweep()
            else:
                for message in messages:
                    outbox_deliver(message_id=message.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"person{i}@example.test" for i in range(6))
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


# ---- the system administrators' page ---------------------------------------------------------------------


def _failed(**kwargs: Any) -> OutboxMessage:
    return OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL,
        template="referrals/email/new_referral",
        recipients=kwargs.get("recipients", ["coordinator@example.test"]),
        context_ids={"referral": 7},
        status=Status.FAILED,
        attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )


def test_sysadmin_sees_pending_and_failed_messages_with_attempts_and_last_error(sysadmin, client_for):
    failed = _failed()
    waiting = _email(to=["dsl@example.test"])
    sent = _email(to=["sent@example.test"])
    OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    text = client_for(sysadmin).get(reverse("outbox:list")).content.decode()
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in text
    assert "coordinator@example.test" in text and "dsl@example.test" in text and "sent@example.test" not in text
    assert text.index(f"{failed.pk}: E-mail") < text.index(f"{waiting.pk}: E-mail")  # failed first
    assert "Retry now" in text


@pytest.mark.parametrize(
    "role", ["coordinator", "adviser", "dsl", "csc_practitioner", "panel_chair", "panel_member", "scrutiny"]
)
def test_everyone_else_is_refused_the_page_and_the_retry(role, request, client_for, db):
    message = _failed()
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("outbox:list")).status_code == 404
    assert client.post(reverse("outbox:retry", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == Status.FAILED


def test_retry_now_sends_a_failed_message_and_is_audited(sysadmin, client_for, django_capture_on_commit_callbacks):
    message = _failed()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sysadmin).post(reverse("outbox:retry", args=[message.pk]))
    assert response.status_code == 302 and response.url == reverse("outbox:list")
    message.refresh_from_db()
    assert message.status == Status.SENT and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="core.outbox_retry", object_id=str(message.pk), actor=sysadmin).exists()


def test_retry_now_that_fails_again_leaves_the_message_failed(
    sysadmin, client_for, mail_server_down, django_capture_on_commit_callbacks
):
    message = _failed()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(sysadmin).post(reverse("outbox:retry", args=[message.pk]))
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, 9)


def test_sysadmin_home_has_a_line_only_when_messages_have_failed(sysadmin, coordinator, client_for):
    client = client_for(sysadmin)
    assert "E-mails not sent" not in client.get(reverse("core:home")).content.decode()
    _failed()
    text = client.get(reverse("core:home")).content.decode()
    assert "E-mails not sent" in text and reverse("outbox:list") in text
    assert "E-mails not sent" not in client_for(coordinator).get(reverse("core:home")).content.decode()


def test_the_page_reads_in_the_same_number_of_queries_however_many_messages(sysadmin, client_for):
    client = client_for(sysadmin)
    _failed()
    assert_flat_queries(
        fetch=lambda: client.get(reverse("outbox:list")),
        grow=lambda: [_failed(recipients=[f"p{i}@example.test"]) for i in range(30)],
    )


def test_the_sweep_runs_every_minute_under_celery_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-outbox-sweep"]
    assert entry == {"task": "core.tasks.outbox_sweep_task", "schedule": 60}
