from __future__ import annotations

from django.contrib import admin

from .models import Panel, VafFactor


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(VafFactor)
class VafFactorAdmin(admin.ModelAdmin):
    """The factor list is data: add a factor, reword it or switch it off; never delete (old ratings keep theirs)."""

    list_display = ("label", "dimension", "order", "is_active")
    list_filter = ("dimension", "is_active")

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
