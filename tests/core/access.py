from __future__ import annotations

from tests.support.access import ALL_ROLES, COORDINATOR, SYSADMIN, Row

ROWS = {
    "healthz": Row(ok=ALL_ROLES, public=True),
    "login_redirect": Row(ok=ALL_ROLES, public=True, ok_status=302),
    "core:home": Row(ok=ALL_ROLES),
    "core:accessibility": Row(ok=ALL_ROLES, public=True),
    "core:privacy": Row(ok=ALL_ROLES, public=True),
    "audit:list": Row(ok={COORDINATOR, SYSADMIN}),
    "audit:export": Row(ok={COORDINATOR, SYSADMIN}),
}
