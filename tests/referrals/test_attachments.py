"""Attachments on a referral, through its pages, scanned by a real clamd: a clean PDF attaches and downloads
(audited, as an attachment, never cached) for those who may read the referral's content and is a 404 for
everyone else; an EICAR file, a file clamd could not scan, a file of another type and a file over the limit are
refused with the GOV.UK error summary and nothing is kept."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Attachment, AuditEvent, StoredFile
from tests.core import attachments as files
from tests.referrals.factories import ReferralFactory
from tests.support.clamd_server import EICAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(dsl, school, team):
    return ReferralFactory(school=school, created_by=dsl, assigned_team=team)


def _upload(client, referral, content: bytes, name: str, **extra):
    url = reverse("referrals:attachment_add", args=[referral.pk])
    form = client.get(url).context["form"]
    data = {"file": SimpleUploadedFile(name, content), "description": "School chronology"}
    return client.post(url, {**data, "form_token": form["form_token"].initial}, **extra)


def _nothing_kept() -> None:
    assert not Attachment.objects.exists()
    assert not StoredFile.objects.filter(name__startswith="attachments/").exists()
    assert not AuditEvent.objects.filter(action="core.attachment_added").exists()


def test_a_clean_pdf_attaches_on_the_page_and_downloads_for_those_who_may_read_it(
    clamd, client_for, coordinator, csc_practitioner, dsl, adviser, panel_member, scrutiny, referral
):
    client = client_for(coordinator)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page and reverse("referrals:attachment_add", args=[referral.pk]) in page

    response = _upload(client, referral, files.CLEAN_PDF, "police summary.pdf")
    assert response.status_code == 302 and response.url == reverse("referrals:detail", args=[referral.pk])
    attachment = Attachment.objects.get()
    assert attachment.kind == "PDF document" and attachment.size == len(files.CLEAN_PDF)
    assert attachment.sha256 == hashlib.sha256(files.CLEAN_PDF).hexdigest()
    added = AuditEvent.objects.get(action="core.attachment_added")
    assert added.object_id == str(referral.pk) and "police" not in added.detail  # no names in the trail

    download = reverse("referrals:attachment_download", args=[referral.pk, attachment.pk])
    assert download in client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    for user in (coordinator, csc_practitioner):
        response = client_for(user).get(download)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.CLEAN_PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="police summary.pdf"'
        assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="core.attachment_downloaded", object_id=str(referral.pk)).count() == 2

    # The DSL sees the referral's status only; the others do not see it at all.
    for user in (dsl, adviser, panel_member, scrutiny):
        assert client_for(user).get(download).status_code == 404
    other = ReferralFactory(assigned_team=referral.assigned_team)
    wrong_referral = reverse("referrals:attachment_download", args=[other.pk, attachment.pk])
    assert client.get(wrong_referral).status_code == 404, "an attachment is reached only through its own record"


def test_only_those_who_triage_may_attach(clamd, client_for, dsl, adviser, referral):
    url = reverse("referrals:attachment_add", args=[referral.pk])
    assert client_for(dsl).post(url, {"file": SimpleUploadedFile("a.pdf", files.CLEAN_PDF)}).status_code == 403
    assert client_for(adviser).post(url, {"file": SimpleUploadedFile("a.pdf", files.CLEAN_PDF)}).status_code == 404
    _nothing_kept()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (EICAR, "chronology.txt", "The file contains a virus (Eicar-Test-Signature"),
        (files.INFECTED_PDF, "summary.pdf", "The file contains a virus"),
        (files.EXECUTABLE, "summary.pdf", "The file must be a PDF, an image (PNG, JPEG or GIF), a Word or Excel"),
        (files.plain_zip(), "minutes.docx", "The file must be a PDF"),
    ],
    ids=["eicar", "infected-pdf", "executable-named-pdf", "zip-named-docx"],
)
def test_an_infected_or_wrong_type_file_is_refused_and_nothing_is_kept(
    clamd, client_for, coordinator, referral, content, name, message
):
    response = _upload(client_for(coordinator), referral, content, name)
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html and message in html
    assert "<title>Error: " in html
    _nothing_kept()


def test_a_file_clamd_could_not_scan_is_refused_and_nothing_is_kept(
    settings, tmp_path, client_for, coordinator, referral
):
    settings.CLAMD_ADDRESS = str(tmp_path / "clamd-is-down.sock")
    response = _upload(client_for(coordinator), referral, files.CLEAN_PDF, "summary.pdf")
    html = response.content.decode()
    assert "govuk-error-summary" in html and "could not be checked for viruses, so it was not kept" in html
    _nothing_kept()


def test_a_file_over_the_limit_is_refused_before_it_is_read(clamd, settings, client_for, coordinator, referral):
    settings.ATTACHMENT_MAX_BYTES = 200 * 1024
    client = client_for(coordinator)
    big = b"%PDF-1.4\n" + b"0" * (400 * 1024)
    response = _upload(client, referral, big, "big.pdf")
    assert response.status_code == 413  # the declared length is over the limit: the body is not read
    html = response.content.decode()
    assert "The file is too big" in html and "The file must be smaller than 200 KB" in html
    assert response["Connection"] == "close"
    # Just over the limit, within the form's allowance: reading stops at the limit and the form says why.
    response = _upload(client, referral, b"%PDF-1.4\n" + b"0" * (220 * 1024), "big.pdf")
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html and "must be smaller than" in html
    _nothing_kept()


def test_a_double_submit_attaches_once(clamd, client_for, coordinator, referral):
    client = client_for(coordinator)
    url = reverse("referrals:attachment_add", args=[referral.pk])
    token = client.get(url).context["form"]["form_token"].initial
    for _ in range(2):
        response = client.post(url, {"file": SimpleUploadedFile("a.pdf", files.CLEAN_PDF), "form_token": token})
        assert response.status_code == 302
    assert Attachment.objects.count() == 1
