"""Panels and their meetings: members, schedule, agenda, attendance, minutes, decisions, actions and papers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import Capability, access_for, capability_required, has_capability, signed_in_user
from core.audit import audit_record

from ..forms.meetings import ActionForm, AgendaForm, AgendaItemForm, AttendanceForm, MeetingForm, MeetingNotesForm
from ..models.meetings import AgendaReason
from ..papers import meeting_papers_pdf
from ..selectors import (
    action_get_for_user,
    agenda_items,
    can_complete_action,
    can_edit_panel,
    case_flags_for,
    cases_due_queryset,
    meeting_actions,
    meeting_attendance,
    meeting_get_for_user,
    meeting_list_visible_to,
    panel_get_for_user,
    panel_list_visible_to,
    panel_member_choices,
    panel_memberships,
)
from ..services import actions, meetings
from .common import form_page

MEETINGS = Capability.MEETINGS_VIEW


def _meeting_url(meeting: Any) -> str:
    return reverse("channel:meeting_detail", args=[meeting.pk])


def _meeting_for_write(request: HttpRequest, pk: int) -> Any:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    if not can_edit_panel(user=request.user, panel_id=meeting.panel_id):
        raise PermissionDenied
    return meeting


@capability_required(MEETINGS)
def panel_list(request: HttpRequest) -> HttpResponse:
    panels = list(panel_list_visible_to(user=request.user))
    today = timezone.localdate()
    upcoming: dict[int, Any] = {}
    for meeting in (
        meeting_list_visible_to(user=request.user).filter(held_on__gte=today, is_cancelled=False).order_by("held_on")
    ):
        upcoming.setdefault(meeting.panel_id, meeting)
    for panel in panels:
        panel.next_meeting = upcoming.get(panel.pk)  # type: ignore[attr-defined]
    return render(request, "channel/panel_list.html", {"panels": panels})


@capability_required(MEETINGS)
def panel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    panel = panel_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    memberships = panel_memberships(panel=panel, include_past=True)
    current = [m for m in memberships if m.started_on <= today and (m.ended_on is None or m.ended_on > today)]
    past = [m for m in memberships if m not in current]
    meetings = list(meeting_list_visible_to(user=request.user).filter(panel=panel))
    return render(
        request,
        "channel/panel_detail.html",
        {
            "panel": panel,
            "chairs": [m for m in current if m.role == "panel_chair"],
            "current": current,
            "past": past,
            "upcoming": [m for m in meetings if m.held_on >= today][::-1],
            "held": [m for m in meetings if m.held_on < today][:24],
            "editable": can_edit_panel(user=request.user, panel_id=panel.pk),
            "can_manage_users": has_capability(request.user, Capability.USERS_MANAGE),
        },
    )


@capability_required(MEETINGS)
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    panel = panel_get_for_user(user=request.user, pk=pk)
    if not can_edit_panel(user=request.user, panel_id=panel.pk):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        first = meetings.meeting_schedule(
            panel=panel, held_on=data["held_on"], starts_at=data["starts_at"], location=data["location"],
            months=data["months"], scheduled_by=signed_in_user(request), form_token=data["form_token"], request=request,
        )  # fmt: skip
        return _meeting_url(first)

    return form_page(
        request, form=form, title="Schedule a meeting", caption=panel.name,
        back_url=reverse("channel:panel_detail", args=[panel.pk]), on_valid=save, done_message="Meeting scheduled.",
    )  # fmt: skip


@capability_required(MEETINGS)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    editable = can_edit_panel(user=request.user, panel_id=meeting.panel_id)
    items = agenda_items(meeting=meeting)
    today = timezone.localdate()
    held = meeting.is_held_by(today)
    # Flags as at the meeting's day (a past meeting's as at today): turning 18, consent, support not delivered.
    flags = case_flags_for(cases=[i.case for i in items], on=max(meeting.held_on, today))
    for item in items:
        item.flags = flags[item.case_id]  # type: ignore[attr-defined]
    audit_record(actor=request.user, action="channel.meeting_viewed", obj=meeting, request=request)
    return render(
        request,
        "channel/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "attendance": meeting_attendance(meeting=meeting),
            "actions": meeting_actions(meeting=meeting),
            "editable": editable and not meeting.is_signed_off,
            "can_decide": editable and not meeting.is_signed_off and held,
            "held": held,
            "can_sign_off": held
            and not meeting.is_signed_off
            and meetings.may_sign_off(meeting=meeting, user=signed_in_user(request)),
            "undecided": sum(1 for i in items if not i.decision),
            "user_id": request.user.pk,
        },
    )


# A panel discusses tens of cases at a meeting, not hundreds: the agenda page lists those that have waited
# longest, so it costs the same however many cases are due; once they are added the next ones are listed.
AGENDA_LISTED = 40


@capability_required(MEETINGS)
def agenda_build(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_write(request, pk)
    due = list(cases_due_queryset(meeting=meeting)[: AGENDA_LISTED + 1])
    more_due = len(due) > AGENDA_LISTED
    due = due[:AGENDA_LISTED]
    labelled = []
    for case in due:
        # The same reading as the agenda_build service: a due case with no other reason is up for review.
        reason = meetings.agenda_reason(case=case, on=meeting.held_on) or AgendaReason.REVIEW
        label = f"{case.reference}: {case.get_stage_display()}"
        labelled.append((str(case.pk), f"{label} ({dict(AgendaReason.choices)[reason]})", reason))
    form = AgendaForm(request.POST or None, due=labelled)
    by_pk = {str(c.pk): c for c in due}

    def save(data: dict[str, Any]) -> None:
        meetings.agenda_build(
            meeting=meeting,
            cases=[by_pk[pk] for pk in data["cases"]],
            built_by=signed_in_user(request),
            request=request,
        )

    return form_page(
        request, form=form, title="Build the agenda", caption=str(meeting), back_url=_meeting_url(meeting),
        intro=[
            "The cases due at this meeting: new cases, cases whose review falls due by the meeting's date, and cases "
            "with an exit proposed. Untick any the panel will not discuss.",
            *([
                f"More cases are due than the {AGENDA_LISTED} listed here, which have waited longest. Once these are "
                "added, the next are listed."
            ] if more_due else []),
        ] if labelled else ["No cases of this panel are due at this meeting."],
        on_valid=save, done_message="Agenda updated.", extra={"hide_form": not labelled},
    )  # fmt: skip


@capability_required(MEETINGS)
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_write(request, pk)
    rows = meeting_attendance(meeting=meeting)
    form = AttendanceForm(request.POST or None, rows=rows)

    def save(data: dict[str, Any]) -> None:
        meetings.attendance_record(
            meeting=meeting, statuses=form.statuses(), recorded_by=signed_in_user(request), request=request
        )

    return form_page(
        request, form=form, title="Attendance", caption=str(meeting), back_url=_meeting_url(meeting),
        on_valid=save, done_message="Attendance saved.",
    )  # fmt: skip


@capability_required(MEETINGS)
def agenda_item_record(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_for_write(request, pk)
    item = get_object_or_404(meeting.items.select_related("case__referral"), pk=item_pk)
    # Only what is allowed: a decision once, for a meeting that has been held (the service refuses it too).
    if item.decision or not meeting.is_held_by(timezone.localdate()):
        raise PermissionDenied
    form = AgendaItemForm(request.POST or None, stage=item.case.stage, initial={"minutes": item.minutes})

    def save(data: dict[str, Any]) -> None:
        meetings.agenda_item_record(
            item=item, minutes=data["minutes"], decision=data["decision"], decision_notes=data["decision_notes"],
            recorded_by=signed_in_user(request), request=request,
        )  # fmt: skip

    def check(data: dict[str, Any]) -> tuple[str, list[tuple[str, str]]]:
        label = dict(form.fields["decision"].choices)[data["decision"]]  # type: ignore[attr-defined]
        return f'You are about to record "{label}" for {item.case.reference}', [
            ("Meeting", str(meeting)),
            ("Decision, by consensus", str(label)),
            ("Reasons", data["decision_notes"]),
            ("Minutes", data["minutes"]),
            ("Recorded by", str(signed_in_user(request))),
        ]

    return form_page(
        request, form=form, title=f"Minutes and decision: {item.case.reference}", caption=str(meeting),
        back_url=_meeting_url(meeting),
        intro=[f"{item.get_reason_display()}. The case is at '{item.case.get_stage_display()}'.",
               "Record the decision the panel reached together; the chair signs the minutes off at the end."],
        on_valid=save, done_message="Decision recorded.", check=check,
    )  # fmt: skip


@capability_required(MEETINGS)
def meeting_notes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_write(request, pk)
    if meeting.is_signed_off:
        raise PermissionDenied
    form = MeetingNotesForm(request.POST or None, initial={"notes": meeting.notes, "version": meeting.version})

    def save(data: dict[str, Any]) -> None:
        meetings.meeting_notes_save(
            meeting=meeting,
            notes=data["notes"],
            expected_version=data["version"],
            saved_by=signed_in_user(request),
            request=request,
        )

    return form_page(
        request, form=form, title="General minutes", caption=str(meeting), back_url=_meeting_url(meeting),
        intro=["Matters not about one case: apologies, matters arising, any other business. Minutes about a case go with its agenda item."],
        on_valid=save, done_message="Minutes saved.",
    )  # fmt: skip


@capability_required(MEETINGS)
def meeting_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    user = signed_in_user(request)
    if (
        meeting.is_signed_off
        or not meeting.is_held_by(timezone.localdate())
        or not meetings.may_sign_off(meeting=meeting, user=user)
    ):
        raise PermissionDenied
    for_chair = meeting.panel_id not in access_for(user).chaired_panel_ids
    problems: list[str] = []
    reason = request.POST.get("for_chair_reason", "")[:10_000] if request.method == "POST" else ""
    if request.method == "POST":
        try:
            meetings.meeting_sign_off(meeting=meeting, signed_off_by=user, for_chair_reason=reason, request=request)
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, "Minutes signed off.")
            return redirect(_meeting_url(meeting))
    context = {"meeting": meeting, "problems": problems, "for_chair": for_chair, "reason": reason}
    return render(request, "channel/meeting_sign_off.html", context)


@capability_required(MEETINGS)
def meeting_papers(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's papers as a PDF, OFFICIAL-SENSITIVE on every page: for the panel's members and coordinators.
    Every download is audited."""
    meeting = meeting_get_for_user(user=request.user, pk=pk)
    with transaction.atomic():
        audit_record(actor=request.user, action="channel.papers_downloaded", obj=meeting, request=request)
    pdf = meeting_papers_pdf(meeting=meeting, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="panel-papers-{meeting.held_on:%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@capability_required(MEETINGS)
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_write(request, pk)
    cases = [(i.case_id, i.case.reference) for i in agenda_items(meeting=meeting)]
    form = ActionForm(request.POST or None, owners=panel_member_choices(panel_id=meeting.panel_id), cases=cases)
    case_by_id = {str(i.case_id): i.case for i in agenda_items(meeting=meeting)}

    def save(data: dict[str, Any]) -> None:
        actions.action_add(
            meeting=meeting, description=data["description"], owner=data["owner"], due_on=data["due_on"],
            case=case_by_id.get(data["case"] or ""), added_by=signed_in_user(request), form_token=data["form_token"],
            request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Add an action", caption=str(meeting), back_url=_meeting_url(meeting),
        on_valid=save, done_message="Action added.",
    )  # fmt: skip


@capability_required(MEETINGS)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair or a coordinator rewords an action, gives it to another member or moves its due date."""
    action = action_get_for_user(user=request.user, pk=pk)
    meeting = _meeting_for_write(request, action.meeting_id)
    if action.done_on is not None:
        raise Http404
    initial = {
        "description": action.description, "owner": action.owner_id, "due_on": action.due_on, "version": action.version,
    }  # fmt: skip
    form = ActionForm(
        request.POST or None, owners=panel_member_choices(panel_id=meeting.panel_id), cases=[], editing=True,
        initial=initial,
    )  # fmt: skip

    def save(data: dict[str, Any]) -> None:
        actions.action_update(
            action=action, description=data["description"], owner=data["owner"], due_on=data["due_on"],
            changed_by=signed_in_user(request), expected_version=data["version"], request=request,
        )  # fmt: skip

    return form_page(
        request, form=form, title="Change an action", caption=str(meeting), back_url=_meeting_url(meeting),
        on_valid=save, done_message="Action saved.",
    )  # fmt: skip


@capability_required(MEETINGS)
def action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """A member marks their own action done (PRODUCT.md: members W own actions); chairs and coordinators any."""
    action = action_get_for_user(user=request.user, pk=pk)
    if not can_complete_action(user=request.user, action=action):
        raise PermissionDenied
    if action.done_on is not None:
        raise Http404
    if request.method == "POST":
        actions.action_complete(action=action, done_by=signed_in_user(request), request=request)
        messages.success(request, "Action marked as done.")
        return redirect(_meeting_url(action.meeting))
    return render(request, "channel/action_done.html", {"action": action})
