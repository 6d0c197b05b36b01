"""Making a referral through the question pages: drafts, check your answers, the reference number, and bad input
on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.idempotency import form_token_mint
from core.models import AuditEvent
from referrals.models import ConcernType, Indicator, Referral, ReferralEvent, Status

pytestmark = pytest.mark.django_db

PERSON = {
    "first_name": "Sam", "last_name": "Larkin", "date_of_birth_0": "1", "date_of_birth_1": "5",
    "date_of_birth_2": "2012", "age_given": "", "gender": "male", "ethnicity": "", "address_area": "NB3",
}  # fmt: skip
REFERRER = {
    "referrer_sector": "education", "referrer_organisation": "Larkhill Primary School",
    "referrer_name": "Dee Eskay", "referrer_role": "DSL", "referrer_email": "dee@school.example",
    "referrer_phone": "",
}  # fmt: skip
VULNERABILITIES = {
    "mental_health": "no",
    "exploitation": "not_known",
    "online_harm": "yes",
    "vulnerability_details": "",
    "additional_needs": "yes",
    "additional_needs_details": "Autism, diagnosed.",
    "other_safeguarding": "no",
}
ACTIONS = {
    "family_spoken_to": "yes", "early_help": "yes", "team_around_child": "no", "actions_details": "",
    "person_aware": "yes", "family_aware": "not_known",
}  # fmt: skip


def concern() -> dict:
    return {
        "concern_type": str(ConcernType.objects.get(label="Incel").pk),
        "indicators": [str(i.pk) for i in Indicator.objects.order_by("order")[:2]],
        "narrative": "Shared a video praising an attack in a group chat.",
        "came_to_light": "A friend told a teacher.",
        "mass_casualty_interest": "no",
        "online_activity": "Watches attack videos in a closed group chat.",
    }


def _post(client, referral, step, data, **extra):
    data = {**data, "version": Referral.objects.get(pk=referral.pk).version, **extra}
    return client.post(reverse("referrals:step", args=[referral.pk, step]), data)


def _start(client) -> Referral:
    response = client.post(reverse("referrals:start"), {"form_token": form_token_mint()})
    assert response.status_code == 302
    return Referral.objects.latest("pk")


def _fill(client, referral, school):
    steps = [
        ("person", PERSON), ("school", {"school": str(school.pk)}), ("referrer", REFERRER), ("concern", concern()),
        ("vulnerabilities", VULNERABILITIES), ("actions", ACTIONS),
    ]  # fmt: skip
    for step, data in steps:
        response = _post(client, referral, step, data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])


def test_dsl_makes_a_referral_through_every_page_and_gets_a_reference(
    client_for, dsl, school, coordinator, django_capture_on_commit_callbacks
):
    client = client_for(dsl)
    referral = _start(client)
    assert referral.status == Status.DRAFT and referral.school == school
    _fill(client, referral, school)

    check = client.get(reverse("referrals:check", args=[referral.pk]))
    assert check.status_code == 200
    assert "Check your answers" in check.content.decode()
    assert f"/referrals/{referral.pk}/step/concern/?return=check" in check.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:check", args=[referral.pk]), {"version": Referral.objects.get(pk=referral.pk).version}
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.NEW
    assert re.fullmatch(r"NB-\d{4}-\d{5}", referral.reference)
    assert referral.age_at_referral is not None
    assert [row.label for row in referral.indicator_rows.all()] == list(
        Indicator.objects.order_by("order").values_list("label", flat=True)[:2]
    )
    assert referral.concern_type_label == "Incel"
    page = client.get(response.url)
    assert referral.reference in page.content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    for secret in ("Sam", "Larkin", "Incel", "video"):
        assert secret not in message.subject + message.body
    assert f"/referrals/{referral.pk}/" in message.body


def test_references_are_unique_and_run_in_order(client_for, dsl, school):
    client = client_for(dsl)
    references = []
    for _ in range(2):
        referral = _start(client)
        _fill(client, referral, school)
        client.post(
            reverse("referrals:check", args=[referral.pk]), {"version": Referral.objects.get(pk=referral.pk).version}
        )
        referral.refresh_from_db()
        references.append(referral.reference)
    assert references[0] != references[1]
    assert int(references[1][-5:]) == int(references[0][-5:]) + 1


def test_save_as_draft_keeps_what_was_typed_without_requiring_the_rest(client_for, dsl):
    client = client_for(dsl)
    referral = _start(client)
    response = _post(client, referral, "person", {"first_name": "Sam"}, draft="Save as draft")
    assert response.status_code == 302 and response.url == reverse("referrals:start")
    referral.refresh_from_db()
    assert referral.first_name == "Sam" and referral.status == Status.DRAFT
    assert "Sam" in client.get(reverse("referrals:start")).content.decode()


def test_check_page_lists_what_is_missing_and_refuses_to_send(client_for, dsl):
    client = client_for(dsl)
    referral = _start(client)
    response = client.post(reverse("referrals:check", args=[referral.pk]), {"version": referral.version})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Enter the person&#x27;s name and gender" in body
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT and referral.reference is None


def test_dsl_cannot_tie_a_referral_to_another_school(client_for, dsl, other_school):
    client = client_for(dsl)
    referral = _start(client)
    response = _post(client, referral, "school", {"school": str(other_school.pk)})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    referral.refresh_from_db()
    assert referral.school_id != other_school.pk


def test_other_roles_give_the_school_by_urn(client_for, adviser, other_school):
    client = client_for(adviser)
    referral = _start(client)
    assert _post(client, referral, "school", {"school_urn": "999999"}).status_code == 200
    assert _post(client, referral, "school", {"school_urn": str(other_school.urn)}).status_code == 302
    referral.refresh_from_db()
    assert referral.school == other_school


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("person", {}, "Enter the person&#x27;s first name"),
        ("person", {**PERSON, "date_of_birth_2": "2099"}, "Date of birth must be today or in the past"),
        ("person", {**PERSON, "date_of_birth_1": "13"}, "Enter a real date"),
        ("person", {**PERSON, "date_of_birth_2": "9" * 30}, "Enter a real date"),
        ("person", {**PERSON, "date_of_birth_2": "12a"}, "Enter a valid year"),
        ("person", {**PERSON, "age_given": "9" * 40}, "Age must be 120 or less"),
        ("person", {**PERSON, "last_name": "nul\x00char"}, "must not contain null characters"),
        (
            "person",
            {**PERSON, "date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""},
            "date of birth, or their age",
        ),
        ("person", {**PERSON, "first_name": "x" * 1_048_576}, "First name must be 100 characters or fewer"),
        ("person", {**PERSON, "age_given": "abc"}, "Age must be a number"),
        ("school", {}, "Select the school"),
        ("referrer", {}, "Select the sector you work in"),
        ("referrer", {**REFERRER, "referrer_email": "not an email"}, "Enter an email address in the correct format"),
        ("concern", {}, "Select the type of concern"),
        ("concern", {"narrative": "x" * 1_048_576}, "must be 10,000 characters or fewer"),
        ("concern", {"concern_type": "999999"}, "Select the type of concern"),
        ("concern", {"indicators": ["nonsense"]}, "Select indicators from the list"),
        ("vulnerabilities", {"mental_health": "maybe"}, "Select whether there are mental health needs"),
        ("actions", {}, "Select whether you have spoken to the family"),
    ],
)
def test_bad_input_on_every_page_gets_an_error_summary(client_for, dsl, step, data, message):
    client = client_for(dsl)
    referral = _start(client)
    response = _post(client, referral, step, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in body


def test_html_and_script_in_text_is_stored_and_shown_escaped(client_for, dsl, school, coordinator):
    client = client_for(dsl)
    referral = _start(client)
    _fill(client, referral, school)
    _post(client, referral, "concern", {**concern(), "narrative": "<script>alert(1)</script><b>bold</b>"})
    referral.refresh_from_db()
    assert referral.narrative == "<script>alert(1)</script><b>bold</b>"
    body = client.get(reverse("referrals:check", args=[referral.pk])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_draft_is_only_for_the_person_making_it(client_for, dsl, school, make_user, coordinator):
    from accounts.roles import Role

    referral = _start(client_for(dsl))
    colleague = make_user(Role.DSL, school=school)
    for other in (colleague, coordinator):
        assert client_for(other).get(reverse("referrals:step", args=[referral.pk, "person"])).status_code == 404
        assert client_for(other).get(reverse("referrals:check", args=[referral.pk])).status_code == 404


def test_unknown_step_is_not_found(client_for, dsl):
    client = client_for(dsl)
    referral = _start(client)
    assert client.get(reverse("referrals:step", args=[referral.pk, "nonsense"])).status_code == 404


def test_every_step_read_is_audited_and_the_timeline_starts(client_for, dsl):
    client = client_for(dsl)
    referral = _start(client)
    before = AuditEvent.objects.filter(action="referrals.referral_viewed").count()
    client.get(reverse("referrals:step", args=[referral.pk, "person"]))
    client.get(reverse("referrals:check", args=[referral.pk]))
    assert AuditEvent.objects.filter(action="referrals.referral_viewed").count() == before + 2
    assert ReferralEvent.objects.filter(referral=referral, kind="created").exists()


def test_roles_that_cannot_refer_are_refused(client_for, panel_chair, scrutiny, sysadmin):
    for user in (panel_chair, scrutiny, sysadmin):
        assert client_for(user).post(reverse("referrals:start")).status_code == 404
