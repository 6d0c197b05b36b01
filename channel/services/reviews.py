"""The 6- and 12-month reviews after a case exits, and the e-mails that remind the panel they are due."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.audit import audit_record
from core.outbox import outbox_email

from ..models.cases import CaseReview, EntryKind, Stage
from .case_rows import _entry, _locked, _save_case, _set_stage

REMINDER_LEAD_DAYS = 14  # reminders go out this many days before a review after exit falls due


@transaction.atomic
def review_record(
    *,
    review: CaseReview,
    concerns_returned: bool,
    on: date,
    recorded_by: User,
    notes: str = "",
    request: HttpRequest | None = None,
) -> CaseReview:
    review = CaseReview.objects.select_for_update().get(pk=review.pk)
    if review.is_done:
        raise ValidationError("This review has already been recorded.")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date must be today or in the past"})
    case = _locked(review.case)
    if case.stage not in (Stage.EXITED, Stage.REVIEWS):
        raise ValidationError(
            f"Reviews after exit are recorded on an exited case; this one is '{case.get_stage_display()}'."
        )
    review.completed_on = on
    review.concerns_returned = concerns_returned
    review.notes = notes.strip()
    review.completed_by = recorded_by
    review.full_clean()
    review.save()
    remaining = case.reviews.filter(completed_on__isnull=True).exists()
    new_stage = Stage.REVIEWS if remaining else Stage.CLOSED
    fields = ["stage", "stage_changed_on"]
    _set_stage(case, new_stage, on)
    if not remaining:
        case.closed_on = on
        fields.append("closed_on")
    _save_case(case, fields)
    answer = "concerns have returned" if concerns_returned else "concerns have not returned"
    _entry(
        case=case, kind=EntryKind.REVIEW, actor=recorded_by, on=on, stage_after=new_stage,
        text=f"{review.get_kind_display()}: {answer}." + (f"\n{review.notes}" if review.notes else ""),
    )  # fmt: skip
    audit_record(
        actor=recorded_by, action="channel.review_recorded", obj=case, request=request,
        changes={"review": review.pk, "concerns_returned": concerns_returned},
    )  # fmt: skip
    return review


def review_reminders_send(*, today: date | None = None) -> int:
    """E-mails the panel's chairs and the case officer about reviews after exit that fall due within
    REMINDER_LEAD_DAYS (or are overdue) and have not been reminded. The e-mail holds no case content: only that a
    review is due, and a link. Returns the number of reviews reminded."""
    today = today or timezone.localdate()
    due = list(
        CaseReview.objects.filter(
            completed_on__isnull=True, reminded_on__isnull=True, due_on__lte=today + timedelta(days=REMINDER_LEAD_DAYS)
        )
        .select_related("case", "case__case_officer")
        .order_by("due_on", "id")
    )
    if not due:
        return 0
    panel_ids = {r.case.panel_id for r in due}
    chairs: dict[int, set[str]] = {}
    for panel_id, email in (
        Membership.objects.current(on=today)
        .filter(role=Role.PANEL_CHAIR, panel_id__in=panel_ids, user__is_active=True)
        .values_list("panel_id", "user__email")
    ):
        chairs.setdefault(panel_id, set()).add(email)
    with transaction.atomic():
        reminders = 0
        for review in due:
            to = set(chairs.get(review.case.panel_id, set()))
            officer = review.case.case_officer
            if officer is not None and officer.is_active:
                to.add(officer.email)
            if to:
                outbox_email(to=to, template="channel/email/review_due", context_ids={"case": review.case_id})
                reminders += 1
        CaseReview.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
        audit_record(
            actor=None, action="channel.review_reminders_sent", object_type="channel.casereview",
            detail=f"{reminders} reminders for {len(due)} reviews",
        )  # fmt: skip
    return len(due)
