from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Membership
from accounts.roles import Role
from channel.models.meetings import AgendaReason
from core.models import AuditEvent
from tests.channel.factories import CaseFactory, MeetingFactory, PanelFactory, adopted
from tests.support.pdf import assert_tagged_pdf_ua

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_panel():
    return PanelFactory(name="Northbrook Safeguarding Adults Panel")


def test_a_member_of_another_panel_cannot_open_the_case(client_for, make_user, panel, other_panel):
    case = CaseFactory(panel=panel)
    outsider = make_user(Role.PANEL_MEMBER, panel=other_panel, agency="Health")
    outsider_chair = make_user(Role.PANEL_CHAIR, panel=other_panel)
    for user in (outsider, outsider_chair):
        client = client_for(user)
        assert client.get(reverse("channel:case_detail", args=[case.pk])).status_code == 404
        assert client.get(reverse("channel:case_chronology", args=[case.pk])).status_code == 404
        assert case.referral.reference not in client.get(reverse("channel:case_list")).content.decode()


def test_a_removed_member_loses_access_on_the_day_of_removal(client_for, panel_member, panel):
    case = CaseFactory(panel=panel)
    meeting = MeetingFactory(panel=panel)
    url = reverse("channel:case_detail", args=[case.pk])
    assert client_for(panel_member).get(url).status_code == 200
    membership = Membership.objects.get(user=panel_member, role=Role.PANEL_MEMBER)
    membership.ended_on = timezone.localdate()
    membership.save()
    client = client_for(panel_member)
    assert client.get(url).status_code == 404
    assert client.get(reverse("channel:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("channel:meeting_papers", args=[meeting.pk])).status_code == 404


def test_a_member_whose_place_ends_tomorrow_still_sees_the_case_today(client_for, panel_member, panel):
    case = CaseFactory(panel=panel)
    Membership.objects.filter(user=panel_member).update(ended_on=timezone.localdate() + timedelta(days=1))
    assert client_for(panel_member).get(reverse("channel:case_detail", args=[case.pk])).status_code == 200


def test_a_practitioner_reads_only_the_cases_of_referrals_assigned_to_their_team(
    client_for, csc_practitioner, team, panel
):
    own = CaseFactory(panel=panel, referral__assigned_team=team)
    other = CaseFactory(panel=panel)
    client = client_for(csc_practitioner)
    assert client.get(reverse("channel:case_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("channel:case_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("channel:consent_add", args=[own.pk])).status_code == 403


def test_roles_without_case_access_get_404(client_for, adviser, dsl, scrutiny, sysadmin, no_role_user, panel):
    case = CaseFactory(panel=panel)
    for user in (adviser, dsl, scrutiny, sysadmin, no_role_user):
        assert client_for(user).get(reverse("channel:case_detail", args=[case.pk])).status_code == 404


def test_a_member_reads_but_cannot_change_a_case(client_for, panel_member, panel):
    case = adopted(CaseFactory(panel=panel))
    client = client_for(panel_member)
    assert client.get(reverse("channel:case_detail", args=[case.pk])).status_code == 200
    response = client.post(reverse("channel:consent_add", args=[case.pk]), {"giver": "person", "status": "given"})
    assert response.status_code == 403
    assert not case.consents.exists()


def test_every_read_of_a_case_page_is_audited_without_content(client_for, coordinator, panel):
    case = CaseFactory(panel=panel)
    client = client_for(coordinator)
    client.get(reverse("channel:case_detail", args=[case.pk]))
    client.get(reverse("channel:case_chronology", args=[case.pk]))
    events = AuditEvent.objects.filter(action="channel.case_viewed", object_id=str(case.pk), actor=coordinator)
    assert events.count() == 2
    assert all(case.referral.last_name not in (e.detail + str(e.changes)) for e in events)


def test_meeting_papers_are_a_pdf_marked_official_sensitive_on_every_page_and_the_download_is_audited(
    client_for, panel_member, panel
):
    meeting = MeetingFactory(panel=panel)
    for _ in range(3):
        meeting.items.create(case=CaseFactory(panel=panel), reason=AgendaReason.NEW)
    response = client_for(panel_member).get(reverse("channel:meeting_papers", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 4  # a cover page and a page per case
    for page in reader.pages:
        assert page.extract_text().count("OFFICIAL-SENSITIVE") >= 2  # header and footer
    first = reader.pages[0].extract_text()
    assert panel.name in first
    assert_tagged_pdf_ua(response.content)  # every PDF the portal makes is tagged, meeting papers included
    assert AuditEvent.objects.filter(
        action="channel.papers_downloaded", object_id=str(meeting.pk), actor=panel_member
    ).exists()


def test_papers_of_another_panels_meeting_are_not_found(client_for, panel_member, other_panel):
    meeting = MeetingFactory(panel=other_panel)
    assert client_for(panel_member).get(reverse("channel:meeting_papers", args=[meeting.pk])).status_code == 404
