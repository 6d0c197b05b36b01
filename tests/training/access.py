from __future__ import annotations

from typing import Any

from tests.support.access import ADVISER, COORDINATOR, CSC, DSL, Row, World

TEAM = {COORDINATOR, ADVISER}
READERS = {COORDINATOR, ADVISER, DSL, CSC}


def _session(w: World) -> dict[str, Any]:
    return {"pk": w.training_session.pk}


ROWS = {
    "training:dashboard": Row(ok=READERS),
    "training:no_training_export": Row(ok={*TEAM, CSC}),
    "training:session_list": Row(ok=READERS),
    "training:session_export": Row(ok=READERS),
    "training:session_add": Row(ok=TEAM, read_only={DSL, CSC}),
    "training:session_detail": Row(ok=READERS, kwargs=_session),
    "training:session_edit": Row(ok=TEAM, read_only={DSL, CSC}, kwargs=_session),
    "training:session_feedback": Row(ok=TEAM, read_only={DSL, CSC}, kwargs=_session),
    "training:session_delete": Row(ok=READERS, ok_status=405, kwargs=_session),
    "training:attendance_detail": Row(ok=READERS, kwargs=lambda w: {"pk": w.training_attendance.pk}),
    "training:attendance_remove": Row(ok=READERS, ok_status=405, kwargs=lambda w: {"pk": w.training_attendance.pk}),
    "training:attendee_remove": Row(ok=READERS, ok_status=405, kwargs=lambda w: {"pk": w.training_attendee.pk}),
    "training:course_list": Row(ok=READERS),
    "training:course_add": Row(ok=TEAM, read_only={DSL, CSC}),
    "training:course_edit": Row(ok=TEAM, read_only={DSL, CSC}, kwargs=lambda w: {"pk": w.training_session.course_id}),
    "training:record_elearning": Row(ok={*TEAM, DSL}, read_only={CSC}),
    "training:import_upload": Row(ok=TEAM, read_only={DSL, CSC}),
    "training:import_preview": Row(ok=TEAM, ok_status=302, read_only={DSL, CSC}),
    "training:refreshers": Row(ok={*TEAM, CSC}),
    "training:refreshers_export": Row(ok={*TEAM, CSC}),
    "training:my_training": Row(ok=READERS),
}


def build(world: World) -> None:
    from tests.training.factories import AttendanceFactory, AttendeeFactory, SessionFactory

    world.training_session = SessionFactory()
    world.training_attendance = AttendanceFactory(session=world.training_session, school=world.school)
    AttendanceFactory(session=world.training_session, school=world.other_school)
    world.training_attendee = AttendeeFactory(attendance=world.training_attendance)
