"""Writes for integrations, split by sub-domain; import from here."""

from integrations.services.api_keys import (
    ApiKeyRefused,
    api_key_authenticate,
    api_key_create,
    api_key_revoke,
)
from integrations.services.idempotency import idempotency_record, idempotency_records_purge
from integrations.services.webhooks import (
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

__all__ = [
    "ApiKeyRefused",
    "api_key_authenticate",
    "api_key_create",
    "api_key_revoke",
    "idempotency_record",
    "idempotency_records_purge",
    "webhook_delivery_replay",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_rotate_secret",
    "webhook_endpoint_update",
]
