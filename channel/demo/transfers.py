"""Demo transfers: one open case handed to a neighbouring council (closed here as "transferred", its transfer pack
ready to download) and one case taken over from another council. Invented councils and contacts."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import User
from core.demo import DemoContext

from ..models.cases import OPEN_STAGES, Case
from ..models.panels import Panel
from ..services.transfers import TransferDetails, case_transfer_in, case_transfer_out


def seed_transfers(ctx: DemoContext) -> None:
    coordinator = ctx.made.get("demo_users", {}).get("coordinator@northbrook.example") or User.objects.first()
    case = (
        Case.objects.filter(stage__in=OPEN_STAGES, opened_on__lte=ctx.today - timedelta(days=20)).order_by("pk").first()
    )
    if coordinator is None or case is None or ctx.today > timezone.localdate():
        return  # a demo built around a day still to come has no transfers: a transfer is dated today or before
    case_transfer_out(
        case=case, actor=coordinator,
        details=TransferDetails(
            council="Eastmoor Borough Council", contact_name="Pat Okafor", contact_email="prevent@eastmoor.example",
            contact_phone="", on=ctx.today - timedelta(days=10),
            reason="The family moved to Eastmoor; its Channel panel takes the case on from its next meeting.",
        ),
    )  # fmt: skip
    panel = Panel.objects.filter(pk=case.panel_id).get()
    arrived = case_transfer_in(
        first_name="Rowan", last_name="Ashby", date_of_birth=date(ctx.today.year - 15, 6, 1), gender="female",
        panel=panel, under_18=True, actor=coordinator,
        details=TransferDetails(
            council="Westholm City Council", contact_name="Lee Marsh", contact_email="channel@westholm.example",
            contact_phone="", on=ctx.today - timedelta(days=5), their_reference="WH-2026-0881",
            reason="Moved to Northbrook to live with an aunt; adopted by Westholm's panel, support under way.",
        ),
    )  # fmt: skip
    Case.objects.filter(pk=arrived.pk).update(case_officer=case.case_officer or coordinator)
    ctx.say("  1 case transferred out to Eastmoor, 1 transferred in from Westholm")
