"""Who may open each panel, meeting and case page (PRODUCT.md: panel cases R coordinator, W admin; W chair own
panels; R member own panels, W own actions; R CSC practitioner for their team's referrals; meetings W coordinator,
W chair own panels, R member own panels; everyone else 404)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from channel.models.cases import LegalHold, Stage, SupportKind
from channel.models.meetings import AgendaReason
from channel.services.actions import action_add
from channel.services.cases import case_exit, case_note_add
from channel.services.consent import consent_record
from channel.services.support import case_support_start, support_item_add
from channel.services.transfers import TransferDetails, case_transfer_out
from tests.core.attachments import attachment_on
from tests.support.access import CHAIR, COORDINATOR, CSC, MEMBER, Row

CASE_READERS = {COORDINATOR, CHAIR, MEMBER, CSC}
CASE_WRITERS = {COORDINATOR, CHAIR}
MEETING_READERS = {COORDINATOR, CHAIR, MEMBER}


def build(world) -> None:
    from tests.channel.factories import CaseFactory, MeetingFactory, adopted

    today = timezone.localdate()
    chair = world.users[CHAIR]

    def case(panel, **kw):
        return CaseFactory(panel=panel, referral__assigned_team=world.team, **kw)

    world.case = adopted(case(world.panel))
    world.new_case = case(world.panel)
    world.exited_case = adopted(case(world.panel))
    case_exit(case=world.exited_case, outcome="concerns_reduced", on=today, exited_by=chair)
    world.review = world.exited_case.reviews.order_by("due_on").first()
    world.other_case = case(world.other_panel)
    world.support_item = support_item_add(
        case=world.case, kind=SupportKind.INTERVENTION_PROVIDER,
        provider="Intervention Provider", description="", starts_on=today, ends_on=None, added_by=chair,
    )  # fmt: skip
    world.panel_meeting = MeetingFactory(panel=world.panel, held_on=today + timedelta(days=7))
    # A meeting held yesterday: the panel's decisions and the sign-off are for meetings already held.
    world.held_meeting = MeetingFactory(panel=world.panel, held_on=today - timedelta(days=1))
    world.held_item = world.held_meeting.items.create(case=world.case, reason=AgendaReason.REVIEW, order=1)
    world.supported_case = adopted(case(world.panel))
    consent_record(case=world.supported_case, giver="person", status="given", on=today, recorded_by=chair)
    case_support_start(case=world.supported_case, on=today, started_by=chair)
    world.supported_item = support_item_add(
        case=world.supported_case, kind=SupportKind.INTERVENTION_PROVIDER, provider="Mentor", description="",
        starts_on=today, ends_on=None, added_by=chair,
    )  # fmt: skip
    world.agenda_item = world.panel_meeting.items.create(case=world.new_case, reason=AgendaReason.NEW, order=1)
    world.action = action_add(
        meeting=world.panel_meeting, description="Speak to the school", owner=world.users[MEMBER],
        due_on=today + timedelta(days=14), added_by=chair,
    )  # fmt: skip
    world.legal_hold = LegalHold.objects.create(
        case=world.exited_case, reason="Held for a claim", until=today + timedelta(days=30), placed_by=chair
    )
    assert world.new_case.stage == Stage.INFORMATION_GATHERING
    world.transferred_case = case(world.panel)
    case_transfer_out(
        case=world.transferred_case, actor=chair,
        details=TransferDetails(
            council="Eastmoor Borough Council", contact_name="Pat Receiver", contact_email="p@eastmoor.example",
            contact_phone="", on=today, reason="Moved",
        ),
    )  # fmt: skip
    world.case_entry = case_note_add(case=world.case, text="Met the family", on=today, author=chair)
    world.entry_attachment = attachment_on(world.case_entry, uploaded_by=chair)


def _case(w):
    return {"pk": w.case.pk}


def _meeting(w):
    return {"pk": w.panel_meeting.pk}


ROWS = {
    "channel:panel_list": Row(ok=MEETING_READERS),
    "channel:panel_detail": Row(ok=MEETING_READERS, kwargs=lambda w: {"pk": w.panel.pk}),
    "channel:meeting_create": Row(ok=CASE_WRITERS, read_only={MEMBER}, kwargs=lambda w: {"pk": w.panel.pk}),
    "channel:meeting_detail": Row(ok=MEETING_READERS, kwargs=_meeting),
    "channel:agenda_build": Row(ok=CASE_WRITERS, read_only={MEMBER}, kwargs=_meeting),
    "channel:attendance_edit": Row(ok=CASE_WRITERS, read_only={MEMBER}, kwargs=_meeting),
    "channel:meeting_notes": Row(ok=CASE_WRITERS, read_only={MEMBER}, kwargs=_meeting),
    "channel:agenda_item_record": Row(
        ok=CASE_WRITERS, read_only={MEMBER}, kwargs=lambda w: {"pk": w.held_meeting.pk, "item_pk": w.held_item.pk}
    ),
    # The chair signs off; a coordinator may sign off for an absent chair, with a reason.
    "channel:meeting_sign_off": Row(
        ok={CHAIR, COORDINATOR}, read_only={MEMBER}, kwargs=lambda w: {"pk": w.held_meeting.pk}
    ),
    "channel:meeting_papers": Row(ok=MEETING_READERS, kwargs=_meeting),
    "channel:action_create": Row(ok=CASE_WRITERS, read_only={MEMBER}, kwargs=_meeting),
    "channel:action_edit": Row(ok=CASE_WRITERS, read_only={MEMBER}, kwargs=lambda w: {"pk": w.action.pk}),
    # The action belongs to the panel member: they may close their own.
    "channel:action_done": Row(ok=MEETING_READERS, kwargs=lambda w: {"pk": w.action.pk}),
    "channel:case_list": Row(ok=CASE_READERS),
    "channel:case_export": Row(ok=CASE_READERS),
    # A chair's own list: the cases of the panels they chair (a 404 for anyone who chairs none).
    "channel:case_attention": Row(ok={CHAIR}),
    "channel:case_detail": Row(ok=CASE_READERS, kwargs=_case),
    "channel:case_chronology": Row(ok=CASE_READERS, kwargs=_case),
    "channel:case_edit": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:case_stage": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=lambda w: {"pk": w.new_case.pk}),
    "channel:consent_add": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:support_start": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:assessment_add": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:support_item_add": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:support_item_end": Row(
        ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=lambda w: {"pk": w.case.pk, "item_pk": w.support_item.pk}
    ),
    "channel:progress_note_add": Row(
        ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=lambda w: {"pk": w.case.pk, "item_pk": w.support_item.pk}
    ),
    "channel:support_contact_add": Row(
        ok=CASE_WRITERS,
        read_only={MEMBER, CSC},
        kwargs=lambda w: {"pk": w.supported_case.pk, "item_pk": w.supported_item.pk},
    ),  # fmt: skip
    "channel:capacity_add": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:note_add": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:case_attachment_add": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    "channel:entry_attachment_add": Row(
        ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=lambda w: {"pk": w.case.pk, "entry_pk": w.case_entry.pk}
    ),
    "channel:case_attachment_download": Row(
        ok=CASE_READERS, kwargs=lambda w: {"pk": w.case.pk, "attachment_pk": w.entry_attachment.pk}
    ),
    "channel:case_exit": Row(ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=_case),
    # Legal holds are the coordinators' (PRODUCT.md: retention is theirs and the sysadmin's, not the panels').
    "channel:legal_hold": Row(ok={COORDINATOR}, kwargs=_case),
    "channel:legal_hold_lift": Row(
        ok={COORDINATOR}, ok_status=405, kwargs=lambda w: {"pk": w.exited_case.pk, "hold_pk": w.legal_hold.pk}
    ),
    "channel:review_record": Row(
        ok=CASE_WRITERS, read_only={MEMBER, CSC}, kwargs=lambda w: {"pk": w.exited_case.pk, "review_pk": w.review.pk}
    ),
    # Transfers: the case's writers (coordinators and its panel's chair); members and practitioners lack the
    # capability, so the pages do not exist for them (404).
    "channel:transfer_out": Row(ok=CASE_WRITERS, kwargs=_case),
    "channel:transfer_pack": Row(ok=CASE_WRITERS, kwargs=lambda w: {"pk": w.transferred_case.pk}),
    "channel:transfer_in": Row(ok=CASE_WRITERS),
}
