"""Panel meetings: scheduling, the agenda, attendance, the minutes and decisions on each case, and sign-off."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Membership, User
from accounts.roles import Role
from core.audit import audit_record
from core.idempotency import create_once
from core.locking import versioned_update

from ..models.cases import ADOPTED_STAGES, OPEN_STAGES, PRE_PANEL_STAGES, Case, EntryKind, Stage
from ..models.meetings import AgendaItem, AgendaReason, Decision, Meeting, MeetingAttendance
from ..models.panels import Panel
from .case_rows import REVIEW_INTERVAL_DAYS, _entry, _locked, _mark_discussed, _save_case, _set_stage, add_months
from .cases import case_adopt, case_not_adopt


@transaction.atomic
def meeting_schedule(
    *,
    panel: Panel,
    held_on: date,
    scheduled_by: User,
    starts_at: time | None = None,
    location: str = "",
    months: int = 1,
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Schedules a meeting, and with months > 1 the same day of each following month. Returns the first; a second
    POST of the same form (one token) returns it again and schedules nothing."""
    if not 1 <= months <= 12:
        raise ValidationError({"months": "Schedule between 1 and 12 meetings at a time"})

    def create() -> Meeting:
        meetings = []
        for i in range(months):
            meeting = Meeting(
                panel=panel, held_on=add_months(held_on, i), starts_at=starts_at, location=location.strip()
            )
            meeting.full_clean()
            meeting.save()
            meetings.append(meeting)
            audit_record(actor=scheduled_by, action="channel.meeting_scheduled", obj=meeting, request=request)
        return meetings[0]

    return create_once(token=form_token, actor=scheduled_by, model=Meeting, create=create)


def agenda_reason(*, case: Case, on: date) -> str | None:
    """Why a case is due at a meeting on `on`, or None when it is not."""
    if case.stage not in OPEN_STAGES:
        return None
    if case.consent_withdrawn_on is not None:
        return AgendaReason.CONSENT_WITHDRAWN
    if case.exit_proposed:
        return AgendaReason.EXIT_PROPOSED
    if case.stage in PRE_PANEL_STAGES:
        return AgendaReason.NEW
    if case.review_due_on is None or case.review_due_on <= on:
        return AgendaReason.REVIEW
    return None


def _refuse_unless_held(meeting: Meeting, what: str) -> None:
    """Decisions and sign-off belong to a meeting that has taken place: on or before today, read when asked."""
    if not meeting.is_held_by(timezone.localdate()):
        raise ValidationError(
            f"{what} only for a meeting held on or before today; this meeting is on {meeting.held_on:%d %B %Y}."
        )


def _refuse_if_signed_off(meeting: Meeting) -> None:
    if meeting.is_signed_off:
        raise ValidationError("The chair has signed off this meeting's minutes: they can no longer be changed.")


@transaction.atomic
def agenda_build(
    *, meeting: Meeting, cases: list[Case], built_by: User, request: HttpRequest | None = None
) -> list[AgendaItem]:
    """Adds the chosen cases to the agenda, each with the reason it is due; cases already on it are kept."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    on_agenda = set(meeting.items.values_list("case_id", flat=True))
    next_order = (meeting.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    order_of: dict[str, int] = {
        AgendaReason.CONSENT_WITHDRAWN: 0, AgendaReason.NEW: 1, AgendaReason.REVIEW: 2, AgendaReason.EXIT_PROPOSED: 3
    }  # fmt: skip
    added = []
    for case in sorted(
        cases,
        key=lambda c: (order_of[agenda_reason(case=c, on=meeting.held_on) or AgendaReason.REVIEW], c.opened_on, c.pk),
    ):
        if case.pk in on_agenda:
            continue
        if case.panel_id != meeting.panel_id:
            raise ValidationError("A case can go only on its own panel's agenda.")
        reason = agenda_reason(case=case, on=meeting.held_on)
        if reason is None:
            raise ValidationError(f"{case.reference} is not due at this meeting.")
        added.append(AgendaItem(meeting=meeting, case=case, reason=reason, order=next_order))
        next_order += 1
    AgendaItem.objects.bulk_create(added)
    audit_record(
        actor=built_by, action="channel.agenda_built", obj=meeting, request=request,
        changes={"cases_added": [i.case_id for i in added]},
    )  # fmt: skip
    return added


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: Mapping[int, str], recorded_by: User, request: HttpRequest | None = None
) -> None:
    """statuses: user id -> present / apologies / absent, for the panel's members on the meeting's date."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    agencies = dict(
        Membership.objects.current(on=meeting.held_on)
        .filter(panel_id=meeting.panel_id, role__in=[Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        .values_list("user_id", "agency")
    )
    unknown = set(statuses) - set(agencies)
    if unknown:
        raise ValidationError("Attendance can be recorded only for the panel's members.")
    existing = {a.user_id: a for a in meeting.attendance.all()}
    for user_id, status in statuses.items():
        row = existing.get(user_id) or MeetingAttendance(meeting=meeting, user_id=user_id)
        row.agency = agencies[user_id]
        row.status = status
        row.full_clean(exclude=["meeting", "user"])
        row.save()
    audit_record(actor=recorded_by, action="channel.attendance_recorded", obj=meeting, request=request)


@transaction.atomic
def agenda_item_record(
    *,
    item: AgendaItem,
    minutes: str,
    decision: str,
    decision_notes: str,
    recorded_by: User,
    request: HttpRequest | None = None,
) -> AgendaItem:
    """Minutes of one case and the panel's decision on it, reached by consensus. The decision acts on the case
    at once (adopt, close as not adopted, continue, propose exit); the chair signs the minutes off afterwards."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting", "case").get(pk=item.pk)
    meeting = item.meeting
    _refuse_if_signed_off(meeting)
    _refuse_unless_held(meeting, "The panel's decisions can be recorded")
    if item.decision:
        raise ValidationError("The panel's decision on this case is already recorded. Add a case note to correct it.")
    if not decision:
        raise ValidationError({"decision": "Select the panel's decision"})
    if decision == Decision.NOT_ADOPT and not decision_notes.strip():
        raise ValidationError({"decision_notes": "Enter the reason the case was not adopted"})
    case = item.case
    on = meeting.held_on
    if (
        decision in (Decision.ADOPT, Decision.NOT_ADOPT, Decision.MORE_INFORMATION)
        and case.stage not in PRE_PANEL_STAGES
    ):
        raise ValidationError({"decision": "The panel has already decided whether to adopt this case"})
    if decision in (Decision.CONTINUE, Decision.EXIT) and case.stage not in ADOPTED_STAGES:
        raise ValidationError({"decision": "Only an adopted case can continue or exit"})
    exception = decision == Decision.CONTINUE and case.consent_withdrawn_on is not None
    if exception and not decision_notes.strip():
        raise ValidationError(
            {"decision_notes": "Consent was withdrawn: enter the reasons for this exception to continue the case"}
        )
    item.minutes = minutes.strip()
    item.decision = decision
    item.decision_notes = decision_notes.strip()
    item.decided_by_consensus = True
    item.decision_recorded_by = recorded_by
    item.decision_recorded_at = timezone.now()
    item.full_clean()
    item.save()
    text = f"Panel decision at the meeting of {on:%d %B %Y}, by consensus: {item.get_decision_display()}."
    if item.decision_notes:
        text += f"\n{item.decision_notes}"
    _entry(case=case, kind=EntryKind.DECISION, actor=recorded_by, on=on, text=text)
    if decision == Decision.ADOPT:
        case_adopt(case=case, on=on, decided_by=recorded_by, request=request)
    elif decision == Decision.NOT_ADOPT:
        case_not_adopt(case=case, reason=item.decision_notes, on=on, decided_by=recorded_by, request=request)
    else:
        locked = _locked(case)
        fields: list[str] = ["review_due_on"]
        if decision == Decision.MORE_INFORMATION:
            _mark_discussed(locked, on, fields)
            if locked.stage != Stage.DISCUSSED:
                _set_stage(locked, Stage.DISCUSSED, on)
                fields += ["stage", "stage_changed_on"]
        if decision == Decision.EXIT:
            locked.exit_proposed = True
            fields.append("exit_proposed")
        if exception:
            # The panel's exception: the case stays adopted; support starts again only with consent in force.
            locked.consent_withdrawn_on = None
            locked.exit_proposed = False
            fields += ["consent_withdrawn_on", "exit_proposed"]
        locked.review_due_on = on + timedelta(days=REVIEW_INTERVAL_DAYS)
        _save_case(locked, fields)
    audit_record(
        actor=recorded_by, action="channel.decision_recorded", obj=meeting, request=request,
        changes={"case": case.pk, "decision": decision, "minutes": {"sensitive": True}},
    )  # fmt: skip
    return item


@transaction.atomic
def meeting_notes_save(
    *, meeting: Meeting, notes: str, saved_by: User, expected_version: int | None, request: HttpRequest | None = None
) -> Meeting:
    """The general minutes. A save from a page someone else has saved since is refused (StaleEdit)."""
    _refuse_if_signed_off(meeting)
    meeting.notes = notes.strip()
    meeting.full_clean()
    versioned_update(instance=meeting, expected_version=expected_version, fields=["notes"])
    audit_record(
        actor=saved_by,
        action="channel.minutes_saved",
        obj=meeting,
        changes={"notes": {"sensitive": True}},
        request=request,
    )
    return meeting


def may_sign_off(*, meeting: Meeting, user: User) -> bool:
    """The panel's current chair, or a Prevent coordinator (for an absent chair, with a reason)."""
    return (
        Membership.objects.current()
        .filter(user=user)
        .filter(Q(role=Role.PANEL_CHAIR, panel_id=meeting.panel_id) | Q(role=Role.COORDINATOR))
        .exists()
    )


@transaction.atomic
def meeting_sign_off(
    *, meeting: Meeting, signed_off_by: User, for_chair_reason: str = "", request: HttpRequest | None = None
) -> Meeting:
    """The chair's sign-off of the minutes and decisions, once the meeting has been held. A coordinator may sign
    off for a chair who is absent, with the reason recorded."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _refuse_if_signed_off(meeting)
    current = Membership.objects.current().filter(user=signed_off_by)
    is_chair = current.filter(role=Role.PANEL_CHAIR, panel_id=meeting.panel_id).exists()
    if not is_chair:
        if not current.filter(role=Role.COORDINATOR).exists():
            raise ValidationError("Only the panel's chair, or a coordinator for an absent chair, can sign off.")
        if not for_chair_reason.strip():
            raise ValidationError({"for_chair_reason": "Enter why you are signing off for the chair"})
    _refuse_unless_held(meeting, "Minutes can be signed off")
    if meeting.items.filter(decision="").exists():
        raise ValidationError("Record the panel's decision on every case on the agenda before signing off.")
    meeting.signed_off_by = signed_off_by
    meeting.signed_off_at = timezone.now()
    meeting.signed_off_for_chair_reason = "" if is_chair else for_chair_reason.strip()
    meeting.full_clean()
    versioned_update(
        instance=meeting,
        expected_version=None,
        fields=["signed_off_by", "signed_off_at", "signed_off_for_chair_reason"],
    )
    audit_record(
        actor=signed_off_by, action="channel.meeting_signed_off", obj=meeting, request=request,
        changes={"for_chair": not is_chair},
    )  # fmt: skip
    return meeting
