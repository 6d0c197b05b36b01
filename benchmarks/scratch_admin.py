"""A scratch Django admin site for the benchmark's baseline: the stock changelist over the same rows as each
portal list, with the same page size, ordering and search fields. It is not the portal's admin
(`system/admin/`): it lets in any signed-in user, and it is mounted only by this module's URLconf, which the
benchmark switches to in process (`override_settings(ROOT_URLCONF="benchmarks.scratch_admin")`).

The ModelAdmins stay as plain as Django's defaults: full result counts on, no custom paginator.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver, path

from channel.models.cases import Case
from core.models import AuditEvent
from prevent_portal.urls import urlpatterns as portal_urlpatterns
from referrals.models import Referral
from schools.models import Institution, School

PREFIX = "scratch-admin"


class ScratchAdminSite(admin.AdminSite):
    site_header = "Benchmark baseline"

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_authenticated)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_per_page = 50
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_module_permission(self, request: HttpRequest) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SchoolAdmin(ReadOnlyAdmin):
    # The portal's columns that live on the row; its default order and its search (name or postcode).
    list_display = ("name", "urn", "phase", "school_type", "ward", "postcode", "support_tier", "status")
    ordering = ("name", "urn")
    search_fields = ("name", "postcode")


class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("reference", "submitted_at", "status", "school", "assigned_team", "assigned_to")
    list_filter = ("status",)
    list_select_related = ("school", "assigned_team", "assigned_to", "created_by")
    ordering = ("-submitted_at", "-id")
    search_fields = ("reference", "last_name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Referral]:
        return super().get_queryset(request).exclude(status="draft")  # the queue never lists drafts


class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "action", "actor", "object_type", "object_id", "ip_address")
    list_select_related = ("actor",)
    ordering = ("-occurred_at", "-id")
    # The portal's person search: e-mail or name of the actor, or the address typed at a failed sign-in.
    search_fields = ("actor__email", "actor__full_name", "actor_email")


class CaseAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "stage", "panel", "opened_on")
    list_select_related = ("referral", "panel")
    ordering = ("-opened_on", "-id")
    search_fields = ("referral__reference", "referral__last_name")


class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "ward", "postcode")
    ordering = ("name", "id")
    search_fields = ("name",)


site = ScratchAdminSite(name="scratch_admin")
site.register(School, SchoolAdmin)
site.register(Referral, ReferralAdmin)
site.register(AuditEvent, AuditEventAdmin)
site.register(Case, CaseAdmin)
site.register(Institution, InstitutionAdmin)

urlpatterns: list[URLPattern | URLResolver] = [
    path(f"{PREFIX}/", site.urls),
    *cast(list[URLPattern | URLResolver], portal_urlpatterns),
]
