"""Writes for accounts. Each service checks who is acting and writes its audit event in the same transaction."""

from __future__ import annotations

from .lockouts import lockout_clear
from .sessions import session_track, sessions_end_all
from .two_factor import (
    BACKUP_CODE_COUNT,
    backup_codes_issue,
    backup_codes_regenerate,
    confirmed_devices,
    has_second_factor,
    second_factor_reset,
    second_factor_verify,
    totp_device_pending,
    totp_enrolment_confirm,
)
from .users import (
    membership_assign,
    membership_end,
    password_set_by_link,
    sign_in_link_send,
    sign_in_link_url,
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)

__all__ = [
    "BACKUP_CODE_COUNT",
    "backup_codes_issue",
    "backup_codes_regenerate",
    "confirmed_devices",
    "has_second_factor",
    "lockout_clear",
    "membership_assign",
    "membership_end",
    "password_set_by_link",
    "second_factor_reset",
    "second_factor_verify",
    "session_track",
    "sessions_end_all",
    "sign_in_link_send",
    "sign_in_link_url",
    "totp_device_pending",
    "totp_enrolment_confirm",
    "user_deactivate",
    "user_invite",
    "user_reactivate",
    "user_update",
]
