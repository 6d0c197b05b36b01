from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent, StoredFile
from schools.models import School, SupportTier
from schools.views.imports import GIAS_IMPORT
from tests.schools.gias_files import gias_csv, school_row

SESSION_KEY = GIAS_IMPORT.uploads.session_key

UPLOAD = reverse("schools:import_upload")
PREVIEW = reverse("schools:import_preview")


def upload(client, data: bytes, la_code: str = "888"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile("edubasealldata.csv", data, "text/csv"), "la_code": la_code})


def test_coordinator_previews_then_confirms_an_import(client_for, coordinator, db):
    School.objects.create(urn=130002, la_code="888", name="Rookery School", support_tier=SupportTier.INTENSIVE)
    School.objects.create(urn=130003, la_code="888", name="Netherby Infant School", status="open")
    rows = [
        school_row(130001, "St Thomas à Becket Primary School"),
        school_row(130002, "Rookery Academy", **{"AdministrativeWard (name)": "Saltmarsh"}),
        school_row(
            130003, "Netherby Infant School", **{"EstablishmentStatus (name)": "Closed", "CloseDate": "31-08-2024"}
        ),
        school_row(140001, "Café Lane School", la_code="999"),
    ]
    client = client_for(coordinator)
    response = upload(client, gias_csv(rows))
    assert response.status_code == 302 and response.url == PREVIEW
    assert not School.objects.filter(urn=130001).exists(), "nothing is saved before the confirm step"

    page = client.get(PREVIEW)
    html = page.content.decode()
    assert "Windows-1252" in html and "St Thomas à Becket Primary School" in html
    changed = {row["urn"]: labels for row, labels in page.context["changed"]}
    assert "Rookery Academy" in html and "name" in changed[130002] and "ward" in changed[130002]
    assert "ward" in html and "local authority" in html  # the changed fields, by name
    assert "of other local authorities, ignored" in html
    assert 'name="rows"' not in html, "the parsed rows stay on the server, not in the form"
    assert page.context["result"].other_la == 1 and len(page.context["result"].closed) == 1

    response = client.post(PREVIEW, {"action": "confirm"})
    assert response.status_code == 302
    assert School.objects.get(urn=130001).name == "St Thomas à Becket Primary School"
    rookery = School.objects.get(urn=130002)
    assert rookery.name == "Rookery Academy" and rookery.support_tier == SupportTier.INTENSIVE
    assert School.objects.get(urn=130003).status == "closed"
    assert AuditEvent.objects.filter(action="schools.gias_imported", actor=coordinator).count() == 1
    assert SESSION_KEY not in client.session
    assert client.post(PREVIEW, {"action": "confirm"}).url == UPLOAD, "a second confirm finds nothing to import"


def test_rows_in_error_are_listed_and_cannot_be_confirmed(client_for, coordinator, db):
    rows = [school_row(130001, "Good School"), school_row(130002, "Bad Date School", OpenDate="2019/13/45")]
    client = client_for(coordinator)
    upload(client, gias_csv(rows))
    html = client.get(PREVIEW).content.decode()
    assert "1 row in error" in html and "OpenDate is not a date" in html
    assert 'value="confirm"' not in html
    client.post(PREVIEW, {"action": "confirm"})
    assert not School.objects.exists()


def test_unreadable_file_shows_the_error_on_the_upload_page(client_for, coordinator, db):
    response = upload(client_for(coordinator), gias_csv([school_row(1, "X")], drop=("URN",)))
    assert response.status_code == 200
    assert "The file has no URN column" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_cancel_forgets_the_upload(client_for, coordinator, db):
    client = client_for(coordinator)
    upload(client, gias_csv([school_row(130001, "Good School")]))
    client.post(PREVIEW, {"action": "cancel"})
    assert client.get(PREVIEW).status_code == 302
    assert not School.objects.exists()


def test_another_coordinator_cannot_confirm_an_upload_they_did_not_make(client_for, coordinator, make_user, db):
    from accounts.roles import Role

    client = client_for(coordinator)
    upload(client, gias_csv([school_row(130001, "Good School")]))
    pending = client.session[SESSION_KEY]
    other = client_for(make_user(Role.COORDINATOR))
    session = other.session
    session[SESSION_KEY] = pending  # the token copied into another user's session
    session.save()
    assert other.post(PREVIEW, {"action": "confirm"}).url == UPLOAD
    assert not School.objects.exists()


def test_only_coordinators_may_import(client_for, adviser, dsl, db):
    for user in (adviser, dsl):
        client = client_for(user)
        assert client.get(UPLOAD).status_code == 404
        assert upload(client, gias_csv([school_row(130001, "Good School")])).status_code == 404
        assert client.post(PREVIEW, {"action": "confirm"}).status_code == 404


def test_a_file_over_the_limit_is_refused_at_once_and_nothing_waits(client_for, coordinator, settings, db):
    settings.GIAS_IMPORT_MAX_BYTES = 256 * 1024
    rows = [school_row(130000 + i, f"School {i}") for i in range(700)]
    data = gias_csv(rows)
    assert len(data) > 256 * 1024 + 64 * 1024
    response = upload(client_for(coordinator), data)
    assert response.status_code == 413 and "The file must be smaller than 256 KB" in response.content.decode()
    assert not StoredFile.objects.exists() and SESSION_KEY not in client_for(coordinator).session


def test_a_body_without_a_declared_length_stops_being_read_at_the_limit(client_for, coordinator, settings, db):
    """The declared length is within the form's allowance, so the handler counts the file's bytes itself."""
    settings.GIAS_IMPORT_MAX_BYTES = 256 * 1024
    data = gias_csv([school_row(130000 + i, f"School {i}") for i in range(480)])
    assert 256 * 1024 < len(data) < 256 * 1024 + 64 * 1024
    response = upload(client_for(coordinator), data)
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The file must be smaller than 256 KB" in html
    assert not StoredFile.objects.exists()


def test_the_waiting_import_is_kept_in_the_file_store(client_for, coordinator, db):
    client = client_for(coordinator)
    upload(client, gias_csv([school_row(130001, "Good School")]))
    token = client.session[SESSION_KEY]["token"]
    assert StoredFile.objects.filter(name=f"pending/gias/{token}.json").exists()
    client.post(PREVIEW, {"action": "cancel"})
    assert not StoredFile.objects.exists()
