from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from core.models import ListDownload, OutboxMessage
from tests.support.access import ALL_ROLES, COORDINATOR, SYSADMIN, Row, World

ROWS = {
    "healthz": Row(ok=ALL_ROLES, public=True),
    "login_redirect": Row(ok=ALL_ROLES, public=True, ok_status=302),
    "core:home": Row(ok=ALL_ROLES),
    "core:accessibility": Row(ok=ALL_ROLES, public=True),
    "core:privacy": Row(ok=ALL_ROLES, public=True),
    "audit:list": Row(ok={COORDINATOR, SYSADMIN}),
    "audit:export": Row(ok={COORDINATOR, SYSADMIN}),
    "outbox:list": Row(ok={SYSADMIN}),
    "retention:page": Row(ok={SYSADMIN}),
    "retention:start": Row(ok={SYSADMIN}, ok_status=405),
    # A download is its asker's alone: the walk's is the coordinator's.
    "core:download": Row(ok={COORDINATOR}, kwargs=lambda w: {"pk": w.download.pk}),
    "core:download_file": Row(ok={COORDINATOR}, kwargs=lambda w: {"pk": w.download.pk}),
    "outbox:retry": Row(ok={SYSADMIN}, ok_status=405, kwargs=lambda w: {"pk": w.outbox_message.pk}),
}


def build(world: World) -> None:
    world.outbox_message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL, template="referrals/email/new_referral", recipients=["someone@example.test"]
    )
    stored = default_storage.save("downloads/walk.csv", ContentFile(b"URN,Name\r\n"))
    world.download = ListDownload.objects.create(
        requested_by=world.users[COORDINATOR], export="schools.schools", title="Schools", params_digest="walk",
        state=ListDownload.State.READY, rows=0, size=10, stored_name=stored, file_name="schools-walk.csv",
    )  # fmt: skip
