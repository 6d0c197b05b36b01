"""Meeting papers as a tagged PDF (WeasyPrint, PDF/UA-1), marked OFFICIAL-SENSITIVE in the header and footer of every
page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from .models.assessments import Assessment
from .models.cases import Case, SupportItem
from .models.meetings import Meeting
from .selectors import agenda_items, case_flags_for, meeting_actions, meeting_attendance
from .services.consent import consent_state

MARKING = "OFFICIAL-SENSITIVE"
FONT_DIR = Path(getattr(settings, "CHANNEL_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))


def meeting_papers_html(*, meeting: Meeting, user: Any) -> str:
    items = agenda_items(meeting=meeting)
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[i.case_id for i in items])
        .select_related("referral", "referral__concern_type", "case_officer")
        .prefetch_related(
            "consents",
            "capacity_assessments",
            Prefetch("support_items", queryset=SupportItem.objects.order_by("starts_on", "id")),
            Prefetch(
                "assessments", queryset=Assessment.objects.prefetch_related("ratings").order_by("assessed_on", "id")
            ),
        )
    }
    day = max(meeting.held_on, timezone.localdate())
    flags = case_flags_for(cases=list(cases.values()), on=day)
    papers = []
    for item in items:
        case = cases[item.case_id]
        assessments = list(case.assessments.all())
        latest = assessments[-1] if assessments else None
        papers.append(
            {
                "item": item,
                "case": case,
                "consent": consent_state(
                    case=case, on=day, records=list(case.consents.all()), capacity=list(case.capacity_assessments.all())
                ),
                "flags": flags[case.pk],
                "support": list(case.support_items.all()),
                "latest": latest,
                "present": [r for r in latest.ratings.all() if r.rating > 0] if latest else [],
            }
        )
    return render_to_string(
        "channel/pdf/papers.html",
        {
            "meeting": meeting,
            "papers": papers,
            "attendance": meeting_attendance(meeting=meeting),
            "actions": meeting_actions(meeting=meeting),
            "marking": MARKING,
            "council_name": settings.COUNCIL_NAME,
            "made_at": timezone.now(),
            "made_for": user,
            "font_dir": FONT_DIR.as_uri(),
        },
    )


def meeting_papers_pdf(*, meeting: Meeting, user: Any) -> bytes:
    """The papers as a tagged PDF (PDF/UA-1), like every PDF the portal makes, so a screen reader can read them."""
    from weasyprint import HTML

    html = meeting_papers_html(meeting=meeting, user=user)
    return bytes(HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant="pdf/ua-1"))
