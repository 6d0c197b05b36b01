"""Cases that need attention: the open cases of the panels a chair chairs that carry a flag (consent withdrawn,
turned 18 without their own consent, turning 18 soon, support without contact), counted by kind and listed oldest
first with each case's flags as plain text. The chair's home page shows the counts and the oldest few."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import Capability, capability_required

from ..selectors import chaired_panels_of, flag_counts, flag_kinds, flagged_cases_of_panels

PAGE_SIZE = 50


@capability_required(Capability.CASES_VIEW)
def case_attention(request: HttpRequest) -> HttpResponse:
    panels = chaired_panels_of(user=request.user)
    flagged = flagged_cases_of_panels(panel_ids=panels)
    names = dict(flag_kinds())
    kind = request.GET.get("flag", "")
    if kind not in names:
        kind = ""  # any other value (an old link, a typing slip) shows every kind
    shown = [
        (case, panels[case.panel_id], flags) for case, flags in flagged if not kind or any(f.key == kind for f in flags)
    ]
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "channel/case_attention.html",
        {
            "page_obj": page,
            "counts": flag_counts(flagged),
            "total": len(flagged),
            "kind": kind,
            "kind_name": names.get(kind, ""),
            "panels": panels,
        },
    )
