"""Subject access requests: a coordinator makes, for one person, a bundle of everything held (every part, in an
OFFICIAL-SENSITIVE PDF marked on every page, with the attachments, in one zip); other people's names are listed
for the redaction review; each step is audited; everyone else gets a 404 on every page."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEvent, StoredFile
from core.retention import retention_start
from core.tasks import retention_nightly_task
from people.services import person_for_new_referral
from referrals.selectors import referral_get_for_user
from sar.models import SarState, SubjectAccessRequest
from tests.channel.test_retention import FIRST, SURNAME, _case_story, _text_values_containing
from tests.core.attachments import TEXT, attachment_on
from tests.support.pdf import pdf_page_texts
from tests.support.queries import assert_flat_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def story(coordinator, panel_chair, panel_member, panel):
    case = _case_story(coordinator=coordinator, chair=panel_chair, member=panel_member, panel=panel)
    referral = case.referral
    person = person_for_new_referral(referral=referral)
    attachment_on(case, uploaded_by=coordinator, content=TEXT, name="school chronology.txt")
    referral_get_for_user(user=panel_chair, pk=referral.pk, page="detail")  # a read, for "who viewed"
    return referral, person


def _pdf_pages(pdf: bytes) -> list[str]:
    return pdf_page_texts(pdf)


def test_a_coordinator_makes_downloads_and_releases_a_bundle(
    story, client_for, coordinator, panel_chair, django_capture_on_commit_callbacks
):
    referral, person = story
    client = client_for(coordinator)
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert reverse("sar:start", args=[referral.pk]) in page.content.decode()
    assert client.get(reverse("sar:start", args=[referral.pk])).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends the task after the commit
        response = client.post(reverse("sar:start", args=[referral.pk]))
    sar = SubjectAccessRequest.objects.get(person=person)
    assert response.status_code == 302 and response.url == reverse("sar:detail", args=[sar.pk])
    assert sar.state == SarState.DONE and sar.pages and sar.parts["attachments"] == 1  # tasks run in process

    detail = client.get(reverse("sar:detail", args=[sar.pk])).content.decode()
    assert "Pat Ockenden" in detail and f"Alex {SURNAME}" in detail and "Mentor: Jo Varley" in detail
    assert str(panel_chair) in detail  # staff named too

    download = client.get(reverse("sar:download", args=[sar.pk]))
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert any(n.startswith("attachments/") and n.endswith("school chronology.txt") for n in names)
    assert archive.read(next(n for n in names if n.startswith("attachments/"))) == TEXT
    pages = _pdf_pages(archive.read(f"subject-access-{sar.pk}.pdf"))
    assert len(pages) == sar.pages
    assert all(p.count("OFFICIAL-SENSITIVE") >= 2 for p in pages)  # top and bottom of every page
    text = "\n".join(pages)
    for heading in ("Referrals and their answers", "Panel cases", "Chronology", "Assessments", "Consent",
                    "Support", "Meeting minutes and agenda items about them", "Attachments", "Who viewed their record"):  # fmt: skip
        assert heading in text
    assert f"{FIRST} {SURNAME} shared a video in class" in text  # the referral's answers
    assert f"Home visit: {FIRST} {SURNAME} at home" in text  # the chronology
    assert f"{FIRST} is doing well" in text  # agenda item minutes
    assert "school attended" in text and "may meet earlier in May" not in text  # only the minutes about them
    assert "referrals.referral_viewed" in text and str(panel_chair) in text  # who viewed
    root = PdfReader(io.BytesIO(archive.read(f"subject-access-{sar.pk}.pdf"))).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en-GB"  # tagged

    assert client.post(reverse("sar:release", args=[sar.pk])).status_code == 302
    sar.refresh_from_db()
    assert sar.released_by == coordinator and sar.released_at is not None
    actions = list(
        AuditEvent.objects.filter(object_type="sar.subjectaccessrequest", object_id=str(sar.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["sar.requested", "sar.made", "sar.downloaded", "sar.released"]
    assert not AuditEvent.objects.filter(object_type="sar.subjectaccessrequest", detail__icontains=SURNAME).exists()
    assert StoredFile.objects.filter(name=sar.file_name).exists()


@pytest.mark.parametrize("who", ["adviser", "dsl", "csc_practitioner", "panel_chair", "panel_member", "sysadmin"])
def test_nobody_but_a_coordinator_reaches_a_bundle(request, story, client_for, coordinator, who):
    referral, person = story
    client_for(coordinator).post(reverse("sar:start", args=[referral.pk]))
    sar = SubjectAccessRequest.objects.get(person=person)
    client = client_for(request.getfixturevalue(who))
    for url in (reverse("sar:list"), reverse("sar:detail", args=[sar.pk]), reverse("sar:download", args=[sar.pk]),
                reverse("sar:start", args=[referral.pk])):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(reverse("sar:release", args=[sar.pk])).status_code == 404
    assert client.post(reverse("sar:start", args=[referral.pk])).status_code == 404
    assert SubjectAccessRequest.objects.count() == 1 and SubjectAccessRequest.objects.get().released_at is None


def test_the_list_reads_a_constant_number_of_queries(client_for, coordinator):
    from tests.referrals.factories import ReferralFactory

    def add(n: int) -> None:
        for _ in range(n):
            person = person_for_new_referral(referral=ReferralFactory())
            SubjectAccessRequest.objects.create(person=person, requested_by=coordinator, released_by=coordinator)

    add(1)
    client = client_for(coordinator)
    count = assert_flat_queries(fetch=lambda: client.get(reverse("sar:list")), grow=lambda: add(5))
    assert count <= 12


def test_anonymising_the_person_removes_their_bundles(story, client_for, coordinator, sysadmin,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    referral, person = story
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(reverse("sar:start", args=[referral.pk]))
    sar = SubjectAccessRequest.objects.get(person=person)
    name = sar.file_name
    assert StoredFile.objects.filter(name=name).exists() and sar.third_parties
    retention_start(actor=sysadmin)
    assert retention_nightly_task.delay().get()["cases"] == 1
    sar.refresh_from_db()
    assert not StoredFile.objects.filter(name=name).exists()
    assert (sar.file_name, sar.third_parties, sar.state) == ("", [], SarState.DONE)
    assert _text_values_containing(SURNAME) == []
