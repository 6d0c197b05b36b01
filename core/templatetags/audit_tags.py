"""Plain-English names for audit actions, shown beside the action code on the audit pages."""

from __future__ import annotations

from django import template

register = template.Library()

# Actions other apps record are named by their `app.thing_verb` code when they have no label here; the code is
# always shown too, so a search by action can be typed from the page.
ACTION_LABELS = {
    "auth.password_accepted": "Password accepted",
    "auth.second_factor_passed": "Signed in (second factor passed)",
    "auth.second_factor_failed": "Wrong security code",
    "auth.second_factor_enrolled": "Authenticator app set up",
    "auth.backup_codes_regenerated": "New backup codes made",
    "auth.sign_in_failed": "Failed sign-in",
    "auth.locked_out": "Sign-in locked",
    "auth.signed_out": "Signed out",
    "accounts.user_invited": "User invited",
    "accounts.sign_in_link_sent": "Set-password link sent",
    "accounts.password_set": "Password set from a link",
    "accounts.role_assigned": "Role given",
    "accounts.role_ended": "Role removed",
    "accounts.user_deactivated": "Account deactivated",
    "accounts.user_reactivated": "Account reactivated",
    "accounts.second_factor_reset": "Two-factor sign-in reset",
    "accounts.lockout_cleared": "Sign-in lock lifted",
    "audit.exported": "Audit events exported",
}


@register.filter
def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    verb = action.rsplit(".", 1)[-1].replace("_", " ")
    return verb[:1].upper() + verb[1:]
