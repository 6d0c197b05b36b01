"""Transfers: a case transferred out closes as "transferred" with an OFFICIAL-SENSITIVE transfer pack (real
WeasyPrint, read back with pypdf page by page), audited and counted on its own line; a case transferred in
keeps where it came from."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from channel.models.cases import Stage, SupportKind
from channel.models.transfers import CaseTransfer, TransferDirection
from channel.selectors import case_statistics
from channel.services.cases import case_note_add
from channel.services.support import support_item_add
from channel.services.transfers import TransferDetails, case_transfer_in, case_transfer_out
from core.models import AuditEvent
from referrals.selectors import referral_statistics
from tests.channel.factories import CaseFactory, adopted
from tests.support.pdf import pdf_page_texts

pytestmark = pytest.mark.django_db


def _details(**kw) -> TransferDetails:
    values = {
        "council": "Eastmoor Borough Council", "contact_name": "Pat Receiver",
        "contact_email": "prevent@eastmoor.example", "contact_phone": "", "on": timezone.localdate(),
        "reason": "The family moved to Eastmoor in October.",
    }  # fmt: skip
    values.update(kw)
    return TransferDetails(**values)


def _pages(pdf: bytes, tmp_path) -> list[str]:
    return pdf_page_texts(pdf)


def test_a_case_transferred_out_closes_as_transferred_and_is_counted(panel, panel_chair):
    case = adopted(CaseFactory(panel=panel))
    transfer = case_transfer_out(case=case, details=_details(), actor=panel_chair)
    case.refresh_from_db()
    assert case.stage == Stage.TRANSFERRED and case.closed_on == timezone.localdate()
    assert transfer.direction == TransferDirection.OUT
    assert case.entries.filter(stage_after=Stage.TRANSFERRED, text__contains="Eastmoor").exists()
    assert AuditEvent.objects.filter(action="channel.case_transferred_out", object_id=str(case.pk)).exists()
    today = timezone.localdate()
    figures = case_statistics(start=today - timedelta(days=1), end=today)
    assert figures["transferred"] == 1 and figures["ongoing"] == 0
    with pytest.raises(ValidationError):
        case_transfer_out(case=case, details=_details(), actor=panel_chair)


def test_a_transfer_needs_a_way_to_reach_the_contact_and_a_past_date(panel, panel_chair):
    case = CaseFactory(panel=panel)
    with pytest.raises(ValidationError):
        case_transfer_out(case=case, details=_details(contact_email=""), actor=panel_chair)
    with pytest.raises(ValidationError):
        case_transfer_out(case=case, details=_details(on=timezone.localdate() + timedelta(days=1)), actor=panel_chair)
    assert not CaseTransfer.objects.exists()


def test_the_transfer_pack_is_marked_on_every_page_and_audited(panel, panel_chair, client_for, tmp_path):
    case = adopted(CaseFactory(panel=panel))
    support_item_add(
        case=case, kind=SupportKind.INTERVENTION_PROVIDER, provider="Northbrook Mentoring", description="Weekly",
        starts_on=timezone.localdate(), ends_on=None, added_by=panel_chair,
    )  # fmt: skip
    for n in range(60):  # a long chronology, so the pack runs over several pages
        case_note_add(case=case, text=f"Case note number {n}: spoke to the family.", on=timezone.localdate(),
                      author=panel_chair)  # fmt: skip
    case_transfer_out(case=case, details=_details(), actor=panel_chair)
    client = client_for(panel_chair)
    response = client.get(reverse("channel:transfer_pack", args=[case.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = _pages(response.content, tmp_path)
    assert len(pages) >= 2
    for page in pages:
        assert page.count("OFFICIAL-SENSITIVE") >= 2, page[:200]
    text = "\n".join(pages)
    for heading in ("Summary", "Consent", "Vulnerability assessments", "Support plan", "Chronology"):
        assert heading in text
    assert "Eastmoor Borough Council" in text and "Northbrook Mentoring" in text
    assert AuditEvent.objects.filter(action="channel.transfer_pack_downloaded", object_id=str(case.pk)).exists()


def test_a_case_transferred_in_keeps_where_it_came_from(panel, coordinator, client_for):
    case = case_transfer_in(
        first_name="Rowan", last_name="Ashby", date_of_birth=date(2010, 6, 1), gender="female", panel=panel,
        under_18=True, details=_details(council="Westholm City Council", their_reference="WH-881"), actor=coordinator,
    )  # fmt: skip
    transfer = case.transfers.get()
    assert transfer.direction == TransferDirection.IN and transfer.their_reference == "WH-881"
    assert case.referral.referrer_organisation == "Westholm City Council" and case.referral.person_id is not None
    today = timezone.localdate()
    assert referral_statistics(start=today, end=today)["total"] == 0
    assert case_statistics(start=today, end=today)["transferred_in"] == 1
    page = client_for(coordinator).get(reverse("channel:case_detail", args=[case.pk])).content.decode()
    assert "Westholm City Council" in page and "WH-881" in page


def test_transfer_in_page_opens_one_case_for_a_double_click(panel, coordinator, client_for):
    client = client_for(coordinator)
    form = client.get(reverse("channel:transfer_in"))
    token = form.context["form"]["form_token"].value()
    today = timezone.localdate()
    data = {
        "first_name": "Rowan", "last_name": "Ashby", "date_of_birth_0": "1", "date_of_birth_1": "6",
        "date_of_birth_2": "2010", "gender": "female", "council": "Westholm City Council",
        "their_reference": "WH-1", "contact_name": "Lee", "contact_email": "lee@westholm.example",
        "contact_phone": "", "on_0": today.day, "on_1": today.month, "on_2": today.year,
        "reason": "Moved", "panel": panel.pk, "form_token": token,
    }  # fmt: skip
    first = client.post(reverse("channel:transfer_in"), data)
    second = client.post(reverse("channel:transfer_in"), data)
    assert first.status_code == 302 and second["Location"] == first["Location"]
    assert CaseTransfer.objects.filter(direction=TransferDirection.IN).count() == 1


def test_transfer_in_page_answers_bad_input_with_the_error_summary(panel, coordinator, client_for):
    client = client_for(coordinator)
    response = client.post(reverse("channel:transfer_in"), {"form_token": "x" * 32})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Enter the person&#x27;s first name" in body
    assert not CaseTransfer.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("panel_chair", 200), ("panel_member", 404), ("csc_practitioner", 404), ("dsl", 404)],
)
def test_who_may_transfer_a_case_out(request, panel, client_for, who, status):
    case = CaseFactory(panel=panel)
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("channel:transfer_out", args=[case.pk])).status_code == status


def test_a_chair_of_another_panel_cannot_see_or_transfer_the_case(panel, make_user, client_for):
    from accounts.roles import Role
    from tests.channel.factories import PanelFactory

    case = CaseFactory(panel=panel)
    other_chair = make_user(Role.PANEL_CHAIR, panel=PanelFactory())
    client = client_for(other_chair)
    assert client.get(reverse("channel:transfer_out", args=[case.pk])).status_code == 404
    case_transfer_out(case=case, details=_details(), actor=make_user(Role.COORDINATOR))
    assert client.get(reverse("channel:transfer_pack", args=[case.pk])).status_code == 404


def test_the_report_counts_transferred_cases_on_their_own_line(panel, panel_chair):
    from reports.sections.base import ReportContext
    from reports.sections.people import people_figures

    case = adopted(CaseFactory(panel=panel))
    case_transfer_out(case=case, details=_details(), actor=panel_chair)
    today = timezone.localdate()
    figures = people_figures(ReportContext(start=today - timedelta(days=1), end=today, general_release=False))
    rows = dict(figures.case_rows)
    assert figures.values[rows["Transferred to another local authority"]] == 1
    assert figures.values[("case", "adopted")] == 1 and figures.values[("case", "ongoing")] == 0
