"""Anonymising completes: a case due under the schedule loses its attachments (and its chronology's and its
referral's: rows and stored bytes) and, once none of their referrals still holds identifiers, the person their
names, date of birth, keys and family links. One audit event per record, naming the rule; the report's figures
checksum unchanged by a remake."""

from __future__ import annotations

from datetime import date

import pytest

from channel.models.cases import Case, CaseEntry
from core.models import Attachment, AuditEvent, StoredFile
from core.retention import retention_start
from core.tasks import retention_nightly_task
from people.models import Person, PersonLink, Relationship
from people.services import person_for_new_referral, person_link_add
from referrals.models import Referral
from tests.channel.test_retention import SURNAME, _case_story, _report, _text_values_containing
from tests.core.attachments import attachment_on
from tests.referrals.factories import ReferralFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def story(coordinator, panel_chair, panel_member, panel):
    case = _case_story(coordinator=coordinator, chair=panel_chair, member=panel_member, panel=panel)
    referral = case.referral
    person = person_for_new_referral(referral=referral)
    sister = ReferralFactory(first_name="Lane", last_name="Orbwick", date_of_birth=date(2001, 1, 2))
    person_link_add(
        person=person, other=person_for_new_referral(referral=sister), relationship=Relationship.SIBLING,
        actor=coordinator,
    )  # fmt: skip
    attachment_on(case, uploaded_by=coordinator, name=f"{SURNAME} school chronology.pdf")
    attachment_on(CaseEntry.objects.filter(case=case).first(), uploaded_by=coordinator)
    attachment_on(referral, uploaded_by=coordinator, name=f"{SURNAME} police summary.pdf")
    return case, person, sister


def test_the_case_takes_its_files_and_the_person_with_it(story, coordinator, sysadmin):
    case, person, sister = story
    before = _report(coordinator)
    report_files = set(StoredFile.objects.exclude(name__startswith="attachments/").values_list("name", flat=True))
    assert Attachment.objects.count() == 3 and StoredFile.objects.filter(name__startswith="attachments/").count() == 3
    retention_start(actor=sysadmin)
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    assert retention_nightly_task.delay().get()["cases"] == 1

    assert not Attachment.objects.exists()
    assert not StoredFile.objects.filter(name__startswith="attachments/").exists()
    assert set(StoredFile.objects.values_list("name", flat=True)) >= report_files  # other files untouched
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.date_of_birth, person.name_key, person.phonetic_key) == (
        "", "", None, "", "",
    )  # fmt: skip
    assert person.anonymised_at is not None and person.name == "Anonymised"
    assert not PersonLink.objects.exists()
    assert _text_values_containing(SURNAME) == []  # not in any table, file names included
    # The sister's referral still holds hers, and so does she.
    assert Person.objects.get(pk=sister.person_id).last_name == "Orbwick"

    events = list(AuditEvent.objects.filter(pk__gt=last_event, action="retention.anonymised"))
    assert [(e.object_type, e.object_id) for e in events] == [("channel.case", str(case.pk))]
    assert "cases" in events[0].detail and SURNAME not in events[0].detail
    assert _report(coordinator).figures_sha256 == before.figures_sha256 != ""


def test_the_person_keeps_their_identifiers_while_another_referral_holds_them(story, coordinator, sysadmin):
    case, person, _sister = story
    later = ReferralFactory(first_name="Robin", last_name=SURNAME, person=person)
    retention_start(actor=sysadmin)
    assert retention_nightly_task.delay().get()["cases"] == 1
    person.refresh_from_db()
    assert person.last_name == SURNAME and person.anonymised_at is None
    assert PersonLink.objects.exists()
    assert Referral.objects.get(pk=later.pk).last_name == SURNAME
    assert Case.objects.get(pk=case.pk).anonymised_at is not None
