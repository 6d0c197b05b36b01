from __future__ import annotations

from core.models import OutboxMessage
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
    "outbox:retry": Row(ok={SYSADMIN}, ok_status=405, kwargs=lambda w: {"pk": w.outbox_message.pk}),
}


def build(world: World) -> None:
    world.outbox_message = OutboxMessage.objects.create(
        kind=OutboxMessage.Kind.EMAIL, template="referrals/email/new_referral", recipients=["someone@example.test"]
    )
