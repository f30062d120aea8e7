"""Reads for integrations: API keys, stored idempotent responses, webhooks."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from integrations.models import ApiKey, IdempotencyRecord, WebhookDelivery, WebhookEndpoint
from lib.pagination import KeysetPage, keyset_page

# --- API keys and idempotency keys ---------------------------------------------------


def api_key_list(*, organization_id: UUID) -> QuerySet[ApiKey]:
    return (
        ApiKey.objects.filter(organization_id=organization_id)
        .select_related("membership__user", "created_by__user")
        .order_by("revoked_at", "-created_at")
    )


def api_key_get(*, public_id) -> ApiKey:
    return ApiKey.objects.get(public_id=public_id)


def idempotency_cutoff() -> datetime:
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_record_get(*, key: str) -> IdempotencyRecord | None:
    """The live stored response for `key` in the active organization, if any."""
    return IdempotencyRecord.objects.filter(key=key, created_at__gte=idempotency_cutoff()).first()


# --- Webhooks (admins only: the views check the role) --------------------------------


def webhook_endpoint_list() -> QuerySet[WebhookEndpoint]:
    """The organization's webhook endpoints; unordered."""
    return WebhookEndpoint.objects.all()


def webhook_endpoint_get(*, public_id) -> WebhookEndpoint:
    return WebhookEndpoint.objects.get(public_id=public_id)


def webhook_delivery_list(*, endpoint: WebhookEndpoint | None = None) -> QuerySet[WebhookDelivery]:
    """Deliveries (all, or one endpoint's) with their endpoint, their activity and
    their attempts in order (`attempts_in_order`, a list): two queries for a page of
    any length; unordered.

    The attempts are prefetched into a list rather than each delivery's `attempts`
    manager: for the manager, Django builds a filtered queryset per delivery to hold
    them, which cost a page of 50 more than both its queries (docs/performance.md)."""
    queryset = WebhookDelivery.objects.select_related("endpoint", "activity").prefetch_related(
        Prefetch("attempts", to_attr="attempts_in_order")
    )
    return queryset if endpoint is None else queryset.filter(endpoint=endpoint)


DELIVERIES_PER_PAGE = 25


def webhook_delivery_page(
    *, endpoint: WebhookEndpoint, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the endpoint's delivery log, newest first: two queries (the page, on the
    index of an endpoint's deliveries by time, and their attempts), however long the
    log, with no count of it."""
    return keyset_page(
        webhook_delivery_list(endpoint=endpoint),
        ordering=("-created_at", "-id"),
        size=DELIVERIES_PER_PAGE,
        after=after,
        before=before,
    )


def webhook_delivery_get(*, public_id) -> WebhookDelivery:
    return webhook_delivery_list().get(public_id=public_id)


# A scrape counts at most this many rows of each backlog, so it costs the same at
# any size; a gauge at the cap reads "this many or more".
OPERATIONS_GAUGE_CAP = 100_000


@dataclass(frozen=True)
class OperationsGauges:
    """Counts and oldest moments of the work waiting, across every organization."""

    nudges_due: int
    nudges_due_oldest: datetime | None
    nudges_unsent: int
    nudges_unsent_oldest: datetime | None
    webhooks_due: int
    webhooks_due_oldest: datetime | None


def operations_gauges(*, now: datetime | None = None) -> OperationsGauges:
    """What /metrics reports of the nudge backlog and the outbox: one SECURITY DEFINER
    function (integrations 0002) that returns aggregates only, so no tenant's rows or
    identity leave it, and works before any organization's context."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM rapport_operations_gauges(%s, %s)",
            [now or timezone.now(), OPERATIONS_GAUGE_CAP],
        )
        return OperationsGauges(*cursor.fetchone())
