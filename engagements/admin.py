from django.contrib import admin

from engagements.models import (
    ActionLink,
    DigestLog,
    Notification,
    Nudge,
    NudgeDelivery,
    NudgePolicy,
    ResponseClock,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from lib.admin import TenantAdmin


@admin.register(ResponseClock)
class ResponseClockAdmin(TenantAdmin):
    list_display = ("submission", "kind", "owed_by", "due_at", "closed_at")
    list_filter = ("kind", "owed_by")
    raw_id_fields = ("submission", "client", "role", "closed_by")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyTenantAdmin(TenantAdmin):
    """Written by the nudge services only: the admin lists and shows, never edits."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
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


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyTenantAdmin):
    """Managed on the Webhooks settings page, which checks the address; the signing
    secret is never shown again after it is issued."""

    list_display = ("url", "enabled", "failing_since", "created_at")
    list_filter = ("enabled",)
    exclude = ("organization", "secret", "previous_secret")
    raw_id_fields = ("created_by",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyTenantAdmin):
    list_display = ("event_type", "endpoint", "status", "attempt_count", "next_attempt_at")
    list_filter = ("status", "event_type")
    raw_id_fields = ("endpoint", "activity")


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyTenantAdmin):
    list_display = ("delivery", "number", "status_code", "created_at", "finished_at")
    raw_id_fields = ("delivery",)
