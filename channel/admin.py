from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from accounts.permissions import signed_in_user

from .models.assessments import VafFactor
from .models.panels import Panel
from .services.panels import panel_update


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    exclude = ("version",)

    def save_model(self, request: HttpRequest, obj: Panel, form: ModelForm, change: bool) -> None:
        # A change goes through the panel's edit service, so it raises the version open edit forms hold.
        if not change:
            super().save_model(request, obj, form, change)
            return
        panel_update(
            panel=obj,
            data=form.cleaned_data,
            changed_by=signed_in_user(request),
            expected_version=None,
            request=request,
        )


@admin.register(VafFactor)
class VafFactorAdmin(admin.ModelAdmin):
    """The factor list is data: add a factor, reword it or switch it off; never delete (old ratings keep theirs)."""

    list_display = ("label", "dimension", "order", "is_active")
    list_filter = ("dimension", "is_active")

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        return False
