from __future__ import annotations

from tests.support.access import ALL_ROLES, COORDINATOR, DSL, SYSADMIN, Row

USER_ADMINS = {COORDINATOR, SYSADMIN}


def _target(world):
    """User pages point at the DSL of the world: a user both coordinators and system administrators manage."""
    return {"pk": world.users[DSL].pk}


def _target_membership(world):
    user = world.users[DSL]
    return {"pk": user.pk, "membership_pk": user.memberships.get().pk}


ROWS = {
    "accounts:login": Row(ok=ALL_ROLES, public=True),
    # Sign-out is POST only (Django's rule); a GET is refused with 405.
    "accounts:logout": Row(ok=ALL_ROLES, ok_status=405),
    # Second-factor pages send a verified user onward.
    # The timeout warning: how long is left (read without counting as activity), and "Stay signed in" (POST).
    "accounts:session_time_left": Row(ok=ALL_ROLES),
    "accounts:session_extend": Row(ok=ALL_ROLES, ok_status=405),
    "accounts:two_factor": Row(ok=ALL_ROLES, ok_status=302),
    "accounts:enrol": Row(ok=ALL_ROLES, ok_status=302),
    "accounts:backup_codes_shown": Row(ok=ALL_ROLES, ok_status=302),
    "accounts:backup_codes_new": Row(ok=ALL_ROLES),
    # The one-time link from an invitation: open to anyone, a bad token shows "this link does not work".
    "accounts:set_password": Row(
        ok=ALL_ROLES, public=True, kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-real-token"}
    ),
    "accounts:user_list": Row(ok=USER_ADMINS),
    "accounts:user_export": Row(ok=USER_ADMINS),
    "accounts:user_invite": Row(ok=USER_ADMINS),
    "accounts:user_detail": Row(ok=USER_ADMINS, kwargs=_target),
    # POST only; lifting a sign-in lock is the system administrator's alone.
    "accounts:lockout_clear": Row(ok={SYSADMIN}, ok_status=405),
    "accounts:user_edit": Row(ok=USER_ADMINS, kwargs=_target),
    "accounts:membership_add": Row(ok=USER_ADMINS, kwargs=_target),
    "accounts:membership_end": Row(ok=USER_ADMINS, kwargs=_target_membership),
    "accounts:user_deactivate": Row(ok=USER_ADMINS, kwargs=_target),
    "accounts:user_reactivate": Row(ok=USER_ADMINS, kwargs=_target),
    "accounts:sign_in_link_send": Row(ok=USER_ADMINS, kwargs=_target),
    # 2FA resets are the system administrator's alone (PRODUCT.md: coordinators '-').
    "accounts:second_factor_reset": Row(ok={SYSADMIN}, kwargs=_target),
}
