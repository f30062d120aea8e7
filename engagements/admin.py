from django.contrib import admin

from engagements.models import Activity, ResponseClock
from lib.admin import TenantAdmin


@admin.register(ResponseClock)
class ResponseClockAdmin(TenantAdmin):
    list_display = ("submission", "kind", "owed_by", "due_at", "closed_at")
    list_filter = ("kind", "owed_by")
    raw_id_fields = ("submission", "client", "role", "closed_by")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(TenantAdmin):
    """The audit log: readable, never editable."""

    list_display = ("created_at", "verb", "summary", "actor")
    list_filter = ("verb",)
    search_fields = ("summary",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
