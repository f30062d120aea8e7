"""Idempotency keys: a POST's response stored under its key, for 24 hours, per organization."""

from accounts.selectors import all_organization_ids
from integrations.models import IdempotencyRecord
from integrations.selectors import idempotency_cutoff
from lib.tenancy import organization_context, require_organization_id


def idempotency_record(
    *, key: str, fingerprint: str, status: int, content_type: str, body: str
) -> IdempotencyRecord:
    """Store a POST's response under its key (in the active organization).

    An expired record with the same key is replaced; a live one makes the insert
    fail with IntegrityError, which the caller treats as a concurrent duplicate.
    """
    organization_id = require_organization_id()
    IdempotencyRecord.objects.filter(key=key, created_at__lt=idempotency_cutoff()).delete()
    return IdempotencyRecord.objects.create(
        organization_id=organization_id,
        key=key,
        request_fingerprint=fingerprint,
        response_status=status,
        response_content_type=content_type,
        response_body=body,
    )


def idempotency_records_purge() -> int:
    """Delete every organization's records older than the retention window."""
    deleted = 0
    cutoff = idempotency_cutoff()
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            deleted += IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
    return deleted
