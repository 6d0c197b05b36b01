from __future__ import annotations

from django.contrib import admin

from .models import Report, ReportSchedule


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "classification", "state", "period_start", "period_end", "created_at")
    list_filter = ("state", "classification")
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        # A made report is kept with who asked for it and its checksum; the admin does not go around that.
        return False


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("title", "frequency", "classification", "next_run_on", "is_active")
