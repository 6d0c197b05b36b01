from __future__ import annotations

from tests.support.access import ALL_ROLES, Row

ROWS = {
    "accounts:login": Row(ok=ALL_ROLES, public=True),
    # Sign-out is POST only (Django's rule); a GET is refused with 405.
    "accounts:logout": Row(ok=ALL_ROLES, ok_status=405),
    # Second-factor pages send a verified user onward.
    "accounts:two_factor": Row(ok=ALL_ROLES, ok_status=302),
    "accounts:enrol": Row(ok=ALL_ROLES, ok_status=302),
    "accounts:backup_codes_shown": Row(ok=ALL_ROLES, ok_status=302),
}
