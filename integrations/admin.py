from django.contrib import admin

from integrations.models import ApiKey, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from lib.admin import ReadOnlyTenantAdmin, TenantAdmin


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    """Listed for support; keys are issued and revoked on the API keys page, which shows
    a new key once. The hash has no use on screen."""

    list_display = ("name", "prefix", "scopes", "membership", "last_used_at", "revoked_at")
    exclude = ("organization", "key_hash")
    raw_id_fields = ("membership", "created_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
