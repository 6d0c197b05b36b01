from __future__ import annotations

from tests.support.access import ALL_ROLES, Row

ROWS = {
    "healthz": Row(ok=ALL_ROLES, public=True),
    "core:home": Row(ok=ALL_ROLES),
    "core:accessibility": Row(ok=ALL_ROLES, public=True),
    "core:privacy": Row(ok=ALL_ROLES, public=True),
}
