from django.contrib import admin

from activity.models import Activity
from lib.admin import TenantAdmin


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
