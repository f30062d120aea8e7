"""Background work for webhooks and idempotency keys. Tasks take ids, enter the right
organization and call one service; the services make every step safe to run twice."""

from celery import shared_task

from integrations.services import idempotency, webhooks
from lib.tenancy import organization_context


@shared_task(acks_late=True)
def deliver_webhook(organization_id: str, delivery_id: int) -> None:
    """One attempt of one delivery. Retries are not Celery's: the service records the
    next attempt's time in the database (Standard Webhooks' schedule over about a day)
    and enqueues it, so a restart or a lost message delays an attempt, never drops it."""
    with organization_context(organization_id):
        webhooks.webhook_delivery_attempt(delivery_id=delivery_id)


@shared_task(acks_late=True)
def requeue_due_webhook_deliveries() -> int:
    """The safety net and the long waits: due deliveries whose message never came."""
    return webhooks.webhook_deliveries_requeue_due()


@shared_task
def purge_idempotency_records() -> int:
    return idempotency.idempotency_records_purge()
