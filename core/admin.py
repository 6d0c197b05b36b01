from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AuditEvent

# Authenticator devices are managed only through the portal's audited two-factor reset; the admin would show
# their secrets and change them without an audit event. Groups are not used: roles are accounts.Membership.
for model in (TOTPDevice, StaticDevice, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: no one adds, changes or deletes an audit event."""

    list_display = ("occurred_at", "action", "actor", "object_type", "object_id", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor__email", "actor_email", "object_id")
    list_select_related = ("actor",)
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The portal's admin site (accounts.admin_site) lets only system administrators in.
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
