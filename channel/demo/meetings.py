"""Demo meetings, monthly for each panel, and what happened at the past ones: agendas and decisions, attendance
and actions."""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Membership
from core.demo import DemoContext

from ..models.cases import Case, Stage
from ..models.meetings import Action, AgendaItem, AgendaReason, Attendance, Decision, Meeting, MeetingAttendance
from ..models.panels import Panel
from ..services.case_rows import add_months
from . import BATCH


def _meeting_day(year: int, month: int, weekday: int) -> date:
    """The second given weekday of the month (Monday 0)."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7)


def seed_meetings(ctx: DemoContext, panels: list[Panel], members: dict[int, list[Any]]) -> list[Meeting]:
    """Monthly meetings from three years back to a year ahead; the past ones signed off by the chair."""
    rows: list[Meeting] = []
    start = add_months(ctx.today.replace(day=1), -37)
    for p_index, panel in enumerate(panels):
        weekday = (1, 2, 3)[p_index % 3]
        for i in range(37 + 13):
            month = add_months(start, i)
            held = _meeting_day(month.year, month.month, weekday)
            past = held < ctx.today
            rows.append(
                Meeting(
                    panel=panel,
                    held_on=held,
                    starts_at=time(14, 0) if p_index != 2 else time(10, 0),
                    location="Committee Room 2, Northbrook Council House" if i % 3 else "Online (Teams)",
                    signed_off_by=members[panel.pk][0] if past and members[panel.pk] else None,
                    signed_off_at=timezone.make_aware(datetime.combine(held, time(17, 0))) if past else None,
                    notes="Apologies noted. Minutes of the last meeting agreed. No other business." if past else "",
                )
            )
    Meeting.objects.bulk_create(rows)
    return list(Meeting.objects.filter(panel__in=panels).order_by("panel_id", "held_on"))


def _meeting_on_or_after(meetings: list[Meeting], day: date) -> Meeting | None:
    days = [m.held_on for m in meetings]
    i = bisect_left(days, day)
    return meetings[i] if i < len(meetings) else None


def seed_agendas(
    ctx: DemoContext,
    cases: list[Case],
    by_panel: dict[int, list[Meeting]],
    members: dict[int, list[Any]],
    chairs: dict[int, Any],
) -> None:
    """Past meetings: the decisions on each case, reviews of supported cases in the last six months, attendance,
    actions. Future meetings: nothing on the agenda yet, for the chair to build from the cases due."""
    rng = ctx.rng
    today = ctx.today
    items: list[AgendaItem] = []
    seen: set[tuple[int, int]] = set()
    recent_from = today - timedelta(days=183)

    def add(meeting: Meeting, case: Case, reason: str, decision: str, minutes: str, notes: str = "") -> None:
        if (meeting.pk, case.pk) in seen or meeting.held_on >= today:
            return
        seen.add((meeting.pk, case.pk))
        items.append(
            AgendaItem(
                meeting=meeting, case=case, reason=reason, order=len(items), minutes=minutes, decision=decision,
                decision_notes=notes, decision_recorded_by=chairs.get(case.panel_id),
                decision_recorded_at=timezone.make_aware(datetime.combine(meeting.held_on, time(16, 0))),
            )
        )  # fmt: skip

    for case in cases:
        meetings = by_panel.get(case.panel_id, [])
        if case.discussed_on:
            meeting = _meeting_on_or_after(meetings, case.discussed_on)
            if meeting is not None:
                if case.adopted_on:
                    add(
                        meeting,
                        case,
                        AgendaReason.NEW,
                        Decision.ADOPT,
                        "Partners shared what they know. Agreed the person would benefit from support.",
                    )
                elif case.stage == Stage.NOT_ADOPTED:
                    add(
                        meeting,
                        case,
                        AgendaReason.NEW,
                        Decision.NOT_ADOPT,
                        "Partners shared what they know.",
                        case.not_adopted_reason,
                    )
                else:
                    add(
                        meeting,
                        case,
                        AgendaReason.NEW,
                        Decision.MORE_INFORMATION,
                        "More information needed from health before a decision.",
                    )
        if case.support_started_on:
            last = case.exited_on or today
            for meeting in meetings:
                if recent_from <= meeting.held_on < last and meeting.held_on > case.support_started_on:
                    add(
                        meeting,
                        case,
                        AgendaReason.REVIEW,
                        Decision.CONTINUE,
                        "Progress reported by the Intervention Provider; support continues.",
                    )
            if case.exited_on:
                meeting = _meeting_on_or_after(meetings, case.exited_on - timedelta(days=31))
                if meeting is not None and meeting.held_on <= case.exited_on:
                    add(
                        meeting,
                        case,
                        AgendaReason.EXIT_PROPOSED,
                        Decision.EXIT,
                        "Exit agreed.",
                        str(case.get_exit_outcome_display()),
                    )
    for i in range(0, len(items), BATCH):
        AgendaItem.objects.bulk_create(items[i : i + BATCH])

    attendance: list[MeetingAttendance] = []
    actions: list[Action] = []
    demo_member = ctx.made.get("demo_users", {}).get("member@northbrook.example")
    for panel_id, meetings in by_panel.items():
        people = members.get(panel_id, [])
        for meeting in meetings:
            if meeting.held_on >= today:
                continue
            for index, person in enumerate(people):
                roll = 0.0 if index == 0 else rng.random()  # the chair, who signs the minutes off, was there
                status = (
                    Attendance.PRESENT if roll < 0.85 else Attendance.APOLOGIES if roll < 0.97 else Attendance.ABSENT
                )
                attendance.append(MeetingAttendance(meeting=meeting, user=person, agency="", status=status))
            if meeting.held_on >= today - timedelta(days=120) and people:
                for _ in range(rng.randint(1, 3)):
                    owner = rng.choice(people)
                    due = meeting.held_on + timedelta(days=rng.choice((14, 21, 28)))
                    actions.append(
                        Action(
                            meeting=meeting, description=rng.choice((
                                "Share the school's attendance figures with the case officer",
                                "Ask the GP whether a mental health referral has been made",
                                "Check police systems for new information before the next meeting",
                                "Confirm the mentor's start date with the family",
                                "Send the Intervention Provider's progress report to members",
                            )), owner=owner, due_on=due, done_on=due - timedelta(days=2) if due < today - timedelta(days=7) else None,
                            created_by=chairs.get(panel_id) or owner,
                        )
                    )  # fmt: skip
        if demo_member is not None and demo_member in people:
            last_meeting = max((m for m in meetings if m.held_on < today), key=lambda m: m.held_on, default=None)
            if last_meeting is not None:
                for text, days in (("Share police information on two new cases before the next meeting", 10),
                                   ("Update the panel on the Prevent officer's home visit", -3)):  # fmt: skip
                    actions.append(
                        Action(meeting=last_meeting, description=text, owner=demo_member, due_on=today + timedelta(days=days),
                               created_by=chairs.get(panel_id) or demo_member)
                    )  # fmt: skip
    agency_of = _agencies()
    for row in attendance:
        row.agency = agency_of.get((row.user_id, row.meeting.panel_id), "")
    for i in range(0, len(attendance), BATCH):
        MeetingAttendance.objects.bulk_create(attendance[i : i + BATCH])
    for i in range(0, len(actions), BATCH):
        Action.objects.bulk_create(actions[i : i + BATCH])


def _agencies() -> dict[tuple[int, int], str]:

    return {
        (user_id, panel_id): agency
        for user_id, panel_id, agency in Membership.objects.filter(panel__isnull=False).values_list(
            "user_id", "panel_id", "agency"
        )
    }
