from __future__ import annotations

from typing import Any

from tests.support.access import ADVISER, CHAIR, COORDINATOR, CSC, DSL, MEMBER, Row, World

SCHOOL_READERS = {COORDINATOR, ADVISER, DSL, CSC, CHAIR, MEMBER}
TEAM = {COORDINATOR, ADVISER}
READ_ONLY = {CSC, CHAIR, MEMBER}


def _urn(w: World) -> dict[str, Any]:
    return {"urn": w.school.urn}


ROWS = {
    "schools:list": Row(ok=SCHOOL_READERS),
    "schools:export": Row(ok=SCHOOL_READERS),
    "schools:import_upload": Row(ok={COORDINATOR}),
    "schools:import_preview": Row(ok={COORDINATOR}, ok_status=302),
    "schools:detail": Row(ok=SCHOOL_READERS, kwargs=_urn),
    "schools:edit": Row(ok=TEAM, read_only={DSL, *READ_ONLY}, kwargs=_urn),
    "schools:contact_add": Row(ok={*TEAM, DSL}, read_only=READ_ONLY, kwargs=_urn),
    "schools:contact_edit": Row(
        ok={*TEAM, DSL}, read_only=READ_ONLY, kwargs=lambda w: {"urn": w.school.urn, "pk": w.contact.pk}
    ),
    "schools:checklist": Row(ok={*TEAM, DSL}, read_only=READ_ONLY, kwargs=_urn),
    "schools:visit_add": Row(ok=TEAM, read_only={DSL}, kwargs=_urn),
    "schools:visit_detail": Row(ok={*TEAM, DSL}, kwargs=lambda w: {"pk": w.visit.pk}),
    "schools:visit_edit": Row(ok=TEAM, read_only={DSL}, kwargs=lambda w: {"pk": w.visit.pk}),
    "schools:my_actions": Row(ok=TEAM),
    "schools:overdue_actions": Row(ok=TEAM),
    "schools:action_edit": Row(ok=TEAM, kwargs=lambda w: {"pk": w.visit_action.pk}),
    "schools:action_done": Row(ok=TEAM, ok_status=405, kwargs=lambda w: {"pk": w.visit_action.pk}),
    "schools:meeting_list": Row(ok=TEAM),
    "schools:meeting_export": Row(ok=TEAM),
    "schools:meeting_add": Row(ok=TEAM),
    "schools:meeting_detail": Row(ok=TEAM, kwargs=lambda w: {"pk": w.network_meeting.pk}),
    "schools:meeting_edit": Row(ok=TEAM, kwargs=lambda w: {"pk": w.network_meeting.pk}),
}


def build(world: World) -> None:
    from tests.schools.factories import (
        ContactFactory,
        InstitutionFactory,
        NetworkMeetingFactory,
        VisitActionFactory,
        VisitFactory,
    )

    world.contact = ContactFactory(school=world.school)
    world.visit = VisitFactory(school=world.school, adviser=world.users[ADVISER])
    world.visit_action = VisitActionFactory(visit=world.visit)
    world.network_meeting = NetworkMeetingFactory()
    world.network_meeting.attendees.add(world.contact)
    world.institution = InstitutionFactory()


ROWS.update(
    {
        "schools:institution_list": Row(ok=TEAM | READ_ONLY),
        "schools:institution_export": Row(ok=TEAM | READ_ONLY),
        "schools:institution_add": Row(ok=TEAM, read_only=READ_ONLY),
        "schools:institution_edit": Row(ok=TEAM, read_only=READ_ONLY, kwargs=lambda w: {"pk": w.institution.pk}),
    }
)
