"""The accredited trainer of a session is typed (name, e-mail address, school name or URN) and found on the server:
a council has tens of thousands of school contacts, too many to list. One match is taken, none or several are
errors, several are listed to choose from, and the page costs the same whatever the number of contacts."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core.idempotency import form_token_mint
from schools.models import Contact, School
from tests.schools.factories import ContactFactory, SchoolFactory
from tests.support.queries import assert_flat_queries
from tests.training.factories import AttendanceFactory, AttendeeFactory, SessionFactory, course, session_form
from training.models import Session

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _form(**overrides: Any) -> dict[str, Any]:
    return session_form(**{"form_token": form_token_mint(), **overrides})


def _accredit(contact: Contact) -> Contact:
    """Puts the contact on a train-the-trainer session, which is what makes them an accredited trainer."""
    AttendeeFactory(
        attendance__session=SessionFactory(course=course("TTT")),
        attendance__school=contact.school,
        contact=contact,
        full_name=contact.full_name,
    )
    return contact


def _trainer(name: str, school: School | None = None, **extra: Any) -> Contact:
    return _accredit(ContactFactory(full_name=name, school=school or SchoolFactory(), **extra))


def _many_accredited(n: int, start: int) -> None:
    """n accredited trainers at n schools, in bulk."""
    schools = School.objects.bulk_create(
        School(urn=start + i, la_code="888", name=f"Bulk School {start + i}") for i in range(n)
    )
    contacts = Contact.objects.bulk_create(
        Contact(school=s, full_name=f"Bulk Trainer {s.urn}", role="dsl", email=f"t{s.urn}@bulk.example")
        for s in schools
    )
    ttt = SessionFactory(course=course("TTT"))
    from training.models import Attendance, Attendee

    rows = Attendance.objects.bulk_create(Attendance(session=ttt, school=s, staff=1) for s in schools)
    Attendee.objects.bulk_create(
        Attendee(attendance=a, contact=c, full_name=c.full_name) for a, c in zip(rows, contacts, strict=True)
    )


def test_one_match_is_taken(coordinator: Any, client_for: Any) -> None:
    wanted = _trainer("Ruth Alderman")
    _trainer("Sam Oakes")
    response = client_for(coordinator).post(reverse("training:session_add"), _form(trainer_contact="ruth ald"))
    assert response.status_code == 302
    assert Session.objects.get(course__code="WRAP").trainer_contact == wanted


def test_an_email_address_or_a_school_urn_finds_the_trainer(coordinator: Any, client_for: Any) -> None:
    by_email = _trainer("Alex Kerr", email="alex.kerr@larkhill.example")
    _trainer("Alex Kerr")  # the same name elsewhere: the whole address still names one
    by_urn = _trainer("Jo Penrose")
    client = client_for(coordinator)
    client.post(reverse("training:session_add"), _form(trainer_contact="Alex.Kerr@Larkhill.example"))
    client.post(reverse("training:session_add"), _form(trainer_contact=str(by_urn.school.urn), held_on="2026-10-15"))
    found = dict(Session.objects.filter(course__code="WRAP").values_list("held_on__day", "trainer_contact"))
    assert found == {14: by_email.pk, 15: by_urn.pk}


def test_nothing_matching_is_an_error_and_saves_nothing(coordinator: Any, client_for: Any) -> None:
    _trainer("Ruth Alderman")
    ContactFactory(full_name="Nadia Untrained")  # a contact, but not an accredited trainer
    for typed in ("Nobody Here", "Nadia Untrained"):
        response = client_for(coordinator).post(reverse("training:session_add"), _form(trainer_contact=typed))
        text = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in text
        assert "No accredited trainer at a school matches that" in text
        assert 'href="#id_trainer_contact"' in text  # the summary links to the box
    assert not Session.objects.filter(course__code="WRAP").exists()


def test_several_matches_are_listed_to_choose_from_and_the_choice_is_saved(coordinator: Any, client_for: Any) -> None:
    first = _trainer("Priya Shah", SchoolFactory(name="Larkhill Primary School"))
    second = _trainer("Priya Shahid", SchoolFactory(name="Quayside Academy"))
    client = client_for(coordinator)
    token = form_token_mint()
    response = client.post(reverse("training:session_add"), _form(trainer_contact="priya", form_token=token))
    text = response.content.decode()
    assert response.status_code == 200 and not Session.objects.filter(course__code="WRAP").exists()
    assert "More than one accredited trainer matches ‘priya’: choose one" in text
    assert "Which accredited trainer?" in text
    assert "Priya Shah, Larkhill Primary School" in text and "Priya Shahid, Quayside Academy" in text
    assert 'href="#id_trainer_contact_choice_1"' in text  # the summary links to the first to choose from
    picked = client.post(
        reverse("training:session_add"),
        _form(trainer_contact="priya", trainer_contact_choice=str(second.pk), form_token=token),
    )
    assert picked.status_code == 302
    assert Session.objects.get(course__code="WRAP").trainer_contact == second
    assert first != second


def test_a_choice_counts_only_among_the_matches_of_the_text_beside_it(coordinator: Any, client_for: Any) -> None:
    listed = _trainer("Owen Price")
    stranger = ContactFactory(full_name="Owen Pryce")  # not accredited: never chosen, even by id
    client = client_for(coordinator)
    refused = client.post(
        reverse("training:session_add"), _form(trainer_contact="Owen Pryce", trainer_contact_choice=str(stranger.pk))
    )
    assert refused.status_code == 200 and "No accredited trainer at a school matches that" in refused.content.decode()
    # The text changed after a choice from an earlier search: the text wins.
    retyped = client.post(
        reverse("training:session_add"), _form(trainer_contact="owen price", trainer_contact_choice=str(stranger.pk))
    )
    assert retyped.status_code == 302 and Session.objects.get(course__code="WRAP").trainer_contact == listed


def test_more_matches_than_listed_are_capped_and_say_how_to_narrow(coordinator: Any, client_for: Any) -> None:
    _many_accredited(25, start=810000)
    response = client_for(coordinator).post(reverse("training:session_add"), _form(trainer_contact="bulk trainer"))
    text = response.content.decode()
    assert "Only the first 10 are listed: type more of the name to narrow it" in text
    assert text.count('name="trainer_contact_choice"') == 10


def test_editing_keeps_the_trainer_even_when_another_shares_the_name_or_they_have_left(
    coordinator: Any, client_for: Any
) -> None:
    school = SchoolFactory(name="Larkhill Primary School")
    named = _trainer("Kim Lee", school)
    _trainer("Kim Lee", school)  # the same name at the same school: only the id tells them apart
    session = SessionFactory(trainer_contact=named)
    Contact.objects.filter(pk=named.pk).update(is_current=False)  # left the school since
    client = client_for(coordinator)
    url = reverse("training:session_edit", args=[session.pk])
    page = client.get(url).content.decode()
    assert 'value="Kim Lee, Larkhill Primary School"' in page
    assert f'<input type="hidden" name="trainer_contact_choice" value="{named.pk}">' in page
    saved = client.post(
        url,
        _form(
            trainer_contact="Kim Lee, Larkhill Primary School",
            trainer_contact_choice=str(named.pk),
            version=session.version,
        ),
    )
    assert saved.status_code == 302
    session.refresh_from_db()
    assert session.trainer_contact == named
    cleared = client.post(url, _form(trainer_contact="", trainer_contact_choice=str(named.pk), version=session.version))
    session.refresh_from_db()
    assert cleared.status_code == 302 and session.trainer_contact is None


def test_the_session_pages_cost_the_same_with_ten_or_a_thousand_accredited_trainers(
    coordinator: Any, client_for: Any
) -> None:
    _many_accredited(10, start=820000)
    session = SessionFactory(trainer_contact=Contact.objects.first())
    AttendanceFactory(session=session)
    client = client_for(coordinator)
    pages = [reverse("training:session_add"), reverse("training:session_edit", args=[session.pk])]
    sizes = {url: len(client.get(url).content) for url in pages}
    for url in pages:
        assert_flat_queries(fetch=lambda url=url: client.get(url), grow=lambda: None)
    assert_flat_queries(fetch=lambda: client.get(pages[0]), grow=lambda: _many_accredited(1000, start=830000))
    assert_flat_queries(fetch=lambda: client.get(pages[1]), grow=lambda: _many_accredited(500, start=840000))
    # The rendered page does not grow either: no contact is listed until someone searches.
    assert {url: len(client.get(url).content) for url in pages} == sizes
    assert "Bulk Trainer" not in client.get(pages[0]).content.decode()


def test_only_those_who_edit_training_reach_the_search(
    csc_practitioner: Any, dsl: Any, client_for: Any, coordinator: Any
) -> None:
    _trainer("Ruth Alderman")
    for user in (csc_practitioner, dsl):
        response = client_for(user).post(reverse("training:session_add"), _form(trainer_contact="ruth"))
        assert response.status_code in (403, 404)
    assert not Session.objects.filter(course__code="WRAP").exists()
