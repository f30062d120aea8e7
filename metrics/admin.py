from django.contrib import admin

from lib.admin import ReadOnlyTenantAdmin
from metrics.models import WeeklyReport


@admin.register(WeeklyReport)
class WeeklyReportAdmin(ReadOnlyTenantAdmin):
    """Which clients' weekly reports went out, and when (written by the scan only)."""

    list_display = ("client", "week", "status", "recipients", "sent_at")
    list_filter = ("status",)
    raw_id_fields = ("client",)
