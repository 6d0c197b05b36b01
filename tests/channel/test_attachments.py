"""Attachments on a case and on its chronology entries, scanned by a real clamd: chairs and coordinators attach,
everyone who may read the case downloads (audited, no-store), anyone else gets a 404; an EICAR file is refused
and nothing is kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from channel.services.cases import case_note_add
from core.models import Attachment, AuditEvent, StoredFile
from tests.channel.factories import CaseFactory, adopted
from tests.core import attachments as files
from tests.support.clamd_server import EICAR
from tests.support.clock import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def case(panel, team):
    return adopted(CaseFactory(panel=panel, referral__assigned_team=team))


def _post(client, url: str, content: bytes, name: str):
    token = client.get(url).context["form"]["form_token"].initial
    return client.post(url, {"file": SimpleUploadedFile(name, content), "form_token": token})


def test_a_chair_attaches_to_the_case_and_to_an_entry_and_readers_download(
    clamd, client_for, panel_chair, panel_member, csc_practitioner, coordinator, dsl, adviser, case
):
    entry = case_note_add(case=case, text="Home visit", on=TODAY, author=panel_chair)
    chair = client_for(panel_chair)
    detail = reverse("channel:case_detail", args=[case.pk])
    assert 'enctype="multipart/form-data"' in chair.get(detail).content.decode()

    response = _post(chair, reverse("channel:case_attachment_add", args=[case.pk]), files.CLEAN_PDF, "plan.pdf")
    assert response.status_code == 302
    response = _post(
        chair, reverse("channel:entry_attachment_add", args=[case.pk, entry.pk]), files.TEXT, "visit notes.txt"
    )
    assert response.status_code == 302
    on_case, on_entry = Attachment.objects.order_by("pk")
    assert on_case.object_id == case.pk and on_entry.object_id == entry.pk and on_entry.kind == "Plain text"

    chronology = chair.get(reverse("channel:case_chronology", args=[case.pk])).content.decode()
    assert "visit notes.txt" in chronology
    for attachment, content in ((on_case, files.CLEAN_PDF), (on_entry, files.TEXT)):
        url = reverse("channel:case_attachment_download", args=[case.pk, attachment.pk])
        for user in (panel_chair, panel_member, csc_practitioner, coordinator):
            response = client_for(user).get(url)
            assert response.status_code == 200 and b"".join(response.streaming_content) == content
            assert response["Content-Disposition"].startswith("attachment;") and "no-store" in response["Cache-Control"]
        for user in (dsl, adviser):
            assert client_for(user).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="core.attachment_downloaded").count() == 8

    other_case = CaseFactory(panel=case.panel)
    assert chair.get(reverse("channel:case_attachment_download", args=[other_case.pk, on_case.pk])).status_code == 404


def test_members_read_but_may_not_attach(clamd, client_for, panel_member, csc_practitioner, case):
    url = reverse("channel:case_attachment_add", args=[case.pk])
    for user in (panel_member, csc_practitioner):
        response = client_for(user).post(url, {"file": SimpleUploadedFile("a.pdf", files.CLEAN_PDF)})
        assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_an_eicar_file_on_an_entry_is_refused_and_nothing_is_kept(clamd, client_for, panel_chair, case):
    entry = case_note_add(case=case, text="Home visit", on=TODAY, author=panel_chair)
    url = reverse("channel:entry_attachment_add", args=[case.pk, entry.pk])
    response = _post(client_for(panel_chair), url, EICAR, "eicar.com.txt")
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html and "contains a virus" in html
    assert not Attachment.objects.exists() and not StoredFile.objects.exists()
