"""Writes for the engagement record, split by sub-domain; import from here."""

from engagements.models import ClockOutcome
from engagements.services.clocks import (
    OWED_BY_KIND,
    clock_due_at,
    clock_open,
    clocks_apply_competing_deadline,
    clocks_close,
    owed_by_for_stage,
)
from engagements.services.webhooks import (
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
)

__all__ = [
    "OWED_BY_KIND",
    "ClockOutcome",
    "clock_due_at",
    "clock_open",
    "clocks_apply_competing_deadline",
    "clocks_close",
    "owed_by_for_stage",
    "webhook_delivery_replay",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_rotate_secret",
    "webhook_endpoint_update",
]
