"""The transfer pack: what a receiving council's panel needs to carry on a case (Channel duty guidance, on
transferring a case between areas): the summary, the chronology, consent, the vulnerability assessments and the
support plan. A PDF made with WeasyPrint, marked OFFICIAL-SENSITIVE in the header and footer of every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .models.assessments import Assessment
from .models.cases import Case
from .models.transfers import CaseTransfer, TransferDirection
from .papers import FONT_DIR, MARKING
from .services.consent import consent_state


def transfer_pack_html(*, case: Case, user: Any) -> str:
    consents = list(case.consents.select_related("recorded_by").order_by("on", "id"))
    assessments = list(Assessment.objects.filter(case=case).prefetch_related("ratings").order_by("assessed_on", "id"))
    transfers = {t.direction: t for t in CaseTransfer.objects.filter(case=case)}
    return render_to_string(
        "channel/pdf/transfer_pack.html",
        {
            "case": case,
            "referral": case.referral,
            "transfer": transfers.get(TransferDirection.OUT),
            "came_from": transfers.get(TransferDirection.IN),
            "consents": consents,
            "consent": consent_state(case=case, records=consents),
            "assessments": [
                {"assessment": a, "present": [r for r in a.ratings.all() if r.rating > 0]} for a in assessments
            ],
            "support": list(case.support_items.order_by("starts_on", "id")),
            "entries": list(case.entries.select_related("actor").order_by("occurred_at", "id")),
            "marking": MARKING,
            "council_name": settings.COUNCIL_NAME,
            "made_at": timezone.now(),
            "made_for": user,
            "font_dir": FONT_DIR.as_uri(),
        },
    )


def transfer_pack_pdf(*, case: Case, user: Any) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=transfer_pack_html(case=case, user=user), base_url=str(settings.BASE_DIR)).write_pdf())
