from __future__ import annotations

from django.urls import reverse

from core.idempotency import form_token_mint
from core.models import AuditEvent
from schools.models import Institution
from tests.schools.factories import InstitutionFactory


def test_adviser_adds_and_changes_an_institution(client_for, adviser, db):
    client = client_for(adviser)
    response = client.post(
        reverse("schools:institution_add"),
        {
            "name": "Al-Noor Madrassah",
            "kind": "faith",
            "ward": "Rookery",
            "postcode": "NB4 2XY",
            "notes": "",
            "form_token": form_token_mint(),
        },
    )
    assert response.status_code == 302
    institution = Institution.objects.get(name="Al-Noor Madrassah")
    client.post(
        reverse("schools:institution_edit", args=[institution.pk]),
        {
            "name": "Al-Noor Madrassah and Supplementary School",
            "kind": "faith",
            "ward": "Rookery",
            "postcode": "",
            "notes": "",
            "version": institution.version,
        },
    )
    institution.refresh_from_db()
    assert institution.name == "Al-Noor Madrassah and Supplementary School"
    assert AuditEvent.objects.filter(action__startswith="schools.institution_").count() == 2


def test_list_search_and_type_filter(client_for, csc_practitioner, db):
    InstitutionFactory(name="Kestrel Early Years Centre", kind="early_years")
    InstitutionFactory(name="Northbrook College", kind="fe_he")
    client = client_for(csc_practitioner)
    names = [i.name for i in client.get(reverse("schools:institution_list"), {"kind": "fe_he"}).context["institutions"]]
    assert names == ["Northbrook College"]
    names = [i.name for i in client.get(reverse("schools:institution_list"), {"q": "kestrel"}).context["institutions"]]
    assert names == ["Kestrel Early Years Centre"]


def test_read_only_roles_cannot_change_and_a_dsl_sees_nothing(client_for, csc_practitioner, dsl, db):
    institution = InstitutionFactory()
    data = {"name": "Changed", "kind": "faith"}
    assert client_for(csc_practitioner).post(reverse("schools:institution_add"), data).status_code == 403
    for url in (reverse("schools:institution_list"), reverse("schools:institution_edit", args=[institution.pk])):
        assert client_for(dsl).get(url).status_code == 404
    assert client_for(dsl).post(reverse("schools:institution_edit", args=[institution.pk]), data).status_code == 404
    institution.refresh_from_db()
    assert institution.name != "Changed"
