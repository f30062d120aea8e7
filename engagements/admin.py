from django.contrib import admin

from engagements.models import (
    ActionLink,
    DigestLog,
    Notification,
    Nudge,
    NudgeDelivery,
    NudgePolicy,
    ResponseClock,
)
from lib.admin import ReadOnlyTenantAdmin, TenantAdmin


@admin.register(ResponseClock)
class ResponseClockAdmin(TenantAdmin):
    list_display = ("submission", "kind", "owed_by", "due_at", "closed_at")
    list_filter = ("kind", "owed_by")
    raw_id_fields = ("submission", "client", "role", "closed_by")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NudgePolicy)
class NudgePolicyAdmin(ReadOnlyTenantAdmin):
    """Read-only: the settings page (engagements.views.nudge_policy_settings) changes a
    ladder, because it validates it and reschedules the open clocks."""

    list_display = ("__str__", "client", "updated_at")
    raw_id_fields = ("client",)


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyTenantAdmin):
    list_display = ("clock", "level", "status", "enqueued_at", "delivered_at")
    list_filter = ("status", "level")
    raw_id_fields = ("clock",)


@admin.register(NudgeDelivery)
class NudgeDeliveryAdmin(ReadOnlyTenantAdmin):
    list_display = ("nudge", "email", "sent_at")
    raw_id_fields = ("nudge", "membership")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyTenantAdmin):
    list_display = ("title", "membership", "created_at", "read_at")
    raw_id_fields = ("membership", "nudge")


@admin.register(ActionLink)
class ActionLinkAdmin(ReadOnlyTenantAdmin):
    list_display = ("path", "membership", "expires_at", "used_at")
    # The hash finds a link from its token; it has no use on screen.
    exclude = ("organization", "token_hash")
    raw_id_fields = ("membership", "nudge")


@admin.register(DigestLog)
class DigestLogAdmin(ReadOnlyTenantAdmin):
    list_display = ("membership", "local_date", "created_at")
    raw_id_fields = ("membership",)
