"""Outgoing webhooks: endpoints, the outbox of deliveries, signed attempts and retries.

The activity log is the source of events. Every recorded activity is published to
`webhook_deliveries_create` (integrations/handlers.py), which writes one
`WebhookDelivery` per subscribed endpoint in the activity's own transaction (an
outbox: a broker outage loses nothing) and enqueues them after commit. An attempt
claims its number with a conditional update (the attempt's unique number is the
backstop), sends outside any transaction, then records the answer and schedules
the next attempt from
WEBHOOK_RETRY_SCHEDULE (Standard Webhooks': immediately, 5 s, 5 min, 30 min, 2 h,
5 h, 10 h, 10 h). Short waits are Celery countdowns; longer ones, and any message
lost on the way, are picked up by a periodic sweep of due deliveries. An endpoint
whose attempts have failed for WEBHOOK_DISABLE_AFTER_DAYS is disabled and its
admins told.

Requests are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
`webhook-signature`) and sent through `integrations.outbound`, which refuses
destinations on private addresses at registration and again at every attempt.

The claim, the hand-over after commit, the backoff and the sweep are the outbox's
(lib/outbox.py); signing, the receiver's answer and disabling are this module's.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from prometheus_client import Counter
from urllib3.exceptions import NewConnectionError

from accounts.audit import record_security_event
from accounts.models import ADMIN_ROLES, Membership, SecurityEventKind
from accounts.permissions import Action, require
from activity.events import WEBHOOK_EVENT_TYPES
from activity.models import Activity
from activity.services import activity_record
from engagements.models import Notification
from integrations import outbound
from integrations.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from lib import outbox
from lib.exceptions import ApplicationError
from lib.mail import send_mail
from lib.tenancy import require_same_organization

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix Standard Webhooks gives secrets
SECRET_BYTES = 32
# After a rotation the previous secret keeps signing (as a second signature) this long.
PREVIOUS_SECRET_VALIDITY = timedelta(hours=24)
# An attempt still unfinished after this long was abandoned (its worker died): the
# sweep enqueues the delivery again. Far longer than a request may take.
ATTEMPT_LEASE = timedelta(minutes=5)
# The sweep takes deliveries due this long ago and not enqueued for as long: their
# message was lost (broker down, worker killed) rather than merely on its way.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 1000
URL_MAX_LENGTH = 2000

# The sweep finds due deliveries whose message never came through
# `rapport_due_webhook_deliveries` (engagements/migrations/0010): the one read across
# organizations, identifiers only.
DELIVERIES = outbox.Outbox(
    model=WebhookDelivery,
    task="integrations.tasks.deliver_webhook",
    stale_claims_sql=(
        "SELECT delivery_id, organization_id FROM rapport_due_webhook_deliveries(%s, %s, %s)"
    ),
)
# /metrics: the failure rate operators alert on (docs/operations.md); no endpoint or
# organization in the labels.
ATTEMPTS = Counter(
    "rapport_webhook_attempts_total",
    "Webhook delivery attempts made, by outcome (succeeded, failed).",
    ["outcome"],
)


# --- Endpoints ------------------------------------------------------------------------


def webhook_secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _require_manager(actor: Membership, endpoint: WebhookEndpoint | None = None) -> None:
    require(actor, Action.MANAGE_ORGANIZATION)
    require_same_organization(actor, endpoint)


def _url_error(url: str) -> str | None:
    if len(url) > URL_MAX_LENGTH:
        return f"Use a URL of at most {URL_MAX_LENGTH} characters."
    try:
        URLValidator(schemes=list(outbound.SCHEMES))(url)
    except ValidationError:
        return "Enter an http or https URL."
    try:
        outbound.check_url(url)
    except outbound.DestinationRefused as refused:
        return refused.message
    return None


def _event_types_error(event_types: list[str]) -> str | None:
    if not event_types:
        return "Choose at least one event type."
    unknown = sorted(set(event_types) - set(WEBHOOK_EVENT_TYPES))
    if unknown:
        return f"Unknown event type: {', '.join(unknown)}."
    return None


def _validated(**errors: str | None) -> None:
    found = {field: message for field, message in errors.items() if message}
    if found:
        raise ValidationError(found)


def webhook_endpoint_create(
    *,
    actor: Membership,
    url: str,
    event_types: list[str],
    description: str = "",
    enabled: bool = True,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; returns it with its signing secret, to show once."""
    _require_manager(actor)
    url = url.strip()
    _validated(url=_url_error(url), event_types=_event_types_error(event_types))
    secret = webhook_secret_generate()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            organization_id=actor.organization_id,
            url=url,
            description=description.strip(),
            event_types=sorted(set(event_types)),
            secret=secret,
            enabled=enabled,
            created_by=actor,
        )
        _record(actor, "created", endpoint, f"Webhook endpoint {url} added")
    return endpoint, secret


def webhook_endpoint_update(
    *,
    actor: Membership,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given (None leaves a field as it is). A new URL is checked like a
    new endpoint's; enabling an endpoint again forgets its failures."""
    _require_manager(actor, endpoint)
    url = url.strip() if url is not None else None
    _validated(
        url=_url_error(url) if url is not None and url != endpoint.url else None,
        event_types=_event_types_error(event_types) if event_types is not None else None,
    )
    if url is not None:
        endpoint.url = url
    if event_types is not None:
        endpoint.event_types = sorted(set(event_types))
    if description is not None:
        endpoint.description = description.strip()
    if enabled is not None:
        if enabled and not endpoint.enabled:
            endpoint.failing_since = None
            endpoint.disabled_reason = ""
        endpoint.enabled = enabled
    with transaction.atomic():
        endpoint.save()
        _record(actor, "updated", endpoint, f"Webhook endpoint {endpoint.url} changed")
    return endpoint


def webhook_endpoint_rotate_secret(
    *, actor: Membership, endpoint: WebhookEndpoint
) -> tuple[WebhookEndpoint, str]:
    """A new signing secret, shown once. The old one also signs for 24 hours (a second
    signature in the header), so receivers switch without rejecting a request."""
    _require_manager(actor, endpoint)
    secret = webhook_secret_generate()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + PREVIOUS_SECRET_VALIDITY
    endpoint.secret = secret
    with transaction.atomic():
        endpoint.save(
            update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
        )
        _record(actor, "secret_rotated", endpoint, f"Webhook secret of {endpoint.url} rotated")
    return endpoint, secret


def webhook_endpoint_delete(*, actor: Membership, endpoint: WebhookEndpoint) -> None:
    """Remove the endpoint with its delivery log."""
    _require_manager(actor, endpoint)
    with transaction.atomic():
        _record(actor, "deleted", endpoint, f"Webhook endpoint {endpoint.url} removed")
        endpoint.delete()


SECURITY_EVENT_KINDS = {
    "created": SecurityEventKind.WEBHOOK_CREATED,
    "updated": SecurityEventKind.WEBHOOK_CHANGED,
    "secret_rotated": SecurityEventKind.WEBHOOK_SECRET_ROTATED,
    "deleted": SecurityEventKind.WEBHOOK_DELETED,
}


def _record(actor: Membership, change: str, endpoint: WebhookEndpoint, summary: str) -> None:
    """The audit trail of who sends the agency's events where (not itself an event), on
    the timeline and in the security log."""
    record_security_event(
        actor.organization_id,
        SECURITY_EVENT_KINDS[change],
        actor=actor,
        target=endpoint.url,
        details={"endpoint": str(endpoint.public_id), "enabled": endpoint.enabled},
    )
    activity_record(
        actor=actor,
        verb=f"webhook_endpoint.{change}",
        summary=summary,
        payload={"endpoint": str(endpoint.public_id), "url": endpoint.url},
        internal=True,
    )


# --- Events: the outbox -----------------------------------------------------------------


def _public_id(obj) -> str | None:
    return str(obj.public_id) if obj is not None else None


def webhook_event_body(*, activity: Activity) -> str:
    """The JSON every subscribed endpoint receives for this activity.

    Objects are named by their public ids, as in the API. Reads only what the
    activity holds already (activity_record sets its related objects), so it
    costs no query.
    """
    return json.dumps(
        {
            "type": activity.verb,
            "timestamp": activity.created_at,
            "data": {
                "activity": _public_id(activity),
                "summary": activity.summary,
                "internal": activity.internal,
                "actor": _public_id(activity.actor),
                "client": _public_id(activity.client),
                "role": _public_id(activity.role),
                "candidate": _public_id(activity.candidate),
                "submission": _public_id(activity.submission),
                "payload": activity.payload,
            },
        },
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )


def webhook_deliveries_create(*, activity: Activity) -> list[int]:
    """Queue the activity for every enabled endpoint subscribed to its verb.

    Runs inside the activity's transaction, so the deliveries exist exactly when
    the activity does; they are enqueued after commit. One query when no
    endpoint subscribes, none for verbs that are not events.
    """
    if activity.verb not in WEBHOOK_EVENT_TYPES:
        return []
    endpoint_ids = list(
        WebhookEndpoint.objects.filter(
            organization_id=activity.organization_id,
            enabled=True,
            event_types__contains=[activity.verb],
        ).values_list("pk", flat=True)
    )
    if not endpoint_ids:
        return []
    body = webhook_event_body(activity=activity)
    first_delay = _retry_delay(0) or timedelta(0)
    due = timezone.now() + first_delay
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            organization_id=activity.organization_id,
            endpoint_id=endpoint_id,
            activity=activity,
            event_type=activity.verb,
            body=body,
            next_attempt_at=due,
        )
        for endpoint_id in endpoint_ids
    )
    delivery_ids = [delivery.pk for delivery in deliveries]
    organization_id = str(activity.organization_id)
    transaction.on_commit(
        lambda: webhook_deliveries_enqueue(
            organization_id=organization_id, delivery_ids=delivery_ids, countdown=first_delay
        )
    )
    return delivery_ids


def webhook_deliveries_enqueue(
    *, organization_id: str, delivery_ids: list[int], countdown: timedelta = timedelta(0)
) -> None:
    """Hand attempts to the workers and note when. A broker failure is logged, not
    raised: what was not published is found by the sweep."""
    DELIVERIES.enqueue(organization_id=organization_id, ids=delivery_ids, countdown=countdown)


def webhook_deliveries_requeue_due(*, now: datetime | None = None) -> int:
    """Enqueue every delivery whose attempt is due but whose message never came: the
    broker was down, the worker died mid-attempt, or the wait was too long for a
    countdown. Running it twice is harmless: an attempt claims its number."""
    now = now or timezone.now()
    return DELIVERIES.requeue_stale(now - SWEEP_GRACE, now - SWEEP_GRACE, SWEEP_BATCH)


def _retry_delay(attempts_made: int) -> timedelta | None:
    """The wait before the next attempt, or None when the schedule is exhausted."""
    return outbox.retry_delay(attempts_made, settings.WEBHOOK_RETRY_SCHEDULE)


# --- Signing ---------------------------------------------------------------------------


def webhook_signature(*, secret: str, message_id: str, timestamp: int, body: str) -> str:
    """Standard Webhooks' `v1` signature: HMAC-SHA256 of "{id}.{timestamp}.{body}",
    keyed with the base64-decoded part of the secret after `whsec_`."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def webhook_headers(*, delivery: WebhookDelivery, endpoint: WebhookEndpoint, now) -> dict:
    message_id = str(delivery.public_id)
    timestamp = int(now.timestamp())
    signatures = [
        webhook_signature(
            secret=secret, message_id=message_id, timestamp=timestamp, body=delivery.body
        )
        for secret in endpoint.signing_secrets(now=now)
    ]
    return {
        "Content-Type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }


# --- Attempts --------------------------------------------------------------------------


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookAttempt | None:
    """Make the delivery's due attempt, if it is due: claim, send, record.

    The claim and the record are two short transactions; the request runs
    between them, outside any transaction, so a slow receiver holds no lock.
    Returns the attempt made, or None when there was nothing to do (already
    delivered, not due yet, or another worker has it).
    """
    claimed = _attempt_claim(delivery_id=delivery_id)
    if claimed is None:
        return None
    delivery, attempt = claimed
    endpoint = delivery.endpoint
    status_code, excerpt, error = None, "", ""
    started = time.monotonic()
    try:
        response = outbound.post(
            endpoint.url,
            body=delivery.body.encode(),
            headers=webhook_headers(delivery=delivery, endpoint=endpoint, now=timezone.now()),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except outbound.DestinationRefused as refused:
        error = refused.message
    except requests.RequestException as failure:
        error = _failure_message(failure)
    except Exception as failure:
        # Whatever the receiver did to us, the attempt is recorded: an attempt left
        # unfinished would be retried after its lease, again and again.
        logger.exception("Webhook delivery %s failed unexpectedly", delivery.pk)
        error = f"The request failed ({type(failure).__name__})."
    else:
        status_code, excerpt = response.status_code, response.excerpt
        if not 200 <= status_code < 300:
            error = f"The endpoint answered {status_code}."
    attempt.duration_ms = round((time.monotonic() - started) * 1000)
    attempt.status_code = status_code
    attempt.response_excerpt = excerpt
    attempt.error = error[:300]
    attempt.succeeded = status_code is not None and not error
    ATTEMPTS.labels(outcome="succeeded" if attempt.succeeded else "failed").inc()
    return _attempt_record(delivery_id=delivery.pk, attempt=attempt)


def _failure_message(failure: requests.RequestException) -> str:
    if isinstance(failure, requests.Timeout):
        return f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS:g} seconds."
    cause = failure.args[0] if failure.args else failure
    cause = getattr(cause, "reason", cause)  # urllib3 wraps the cause in MaxRetryError
    if isinstance(cause, NewConnectionError):  # "<connection>: <what happened>"
        return str(cause).split(": ", 1)[-1]
    return str(cause)


def _attempt_claim(*, delivery_id: int) -> tuple[WebhookDelivery, WebhookAttempt] | None:
    """Take the next attempt number of a due delivery, or None.

    The claim is a conditional update of the delivery as it was read: a second worker
    holding a duplicate message matches nothing. It moves `next_attempt_at` to the end
    of a lease, so a duplicate arriving later finds nothing due, and the sweep takes
    the delivery up again only if this attempt's worker died. The attempt row is
    written in the same transaction, before the request is sent.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
        if (
            delivery is None
            or delivery.status != WebhookDeliveryStatus.PENDING
            or delivery.next_attempt_at is None
            or delivery.next_attempt_at > now
        ):
            return None
        as_read = {
            "status": WebhookDeliveryStatus.PENDING,
            "attempt_count": delivery.attempt_count,
            "manual_attempt": delivery.manual_attempt,
            "next_attempt_at": delivery.next_attempt_at,
        }
        # A disabled endpoint receives nothing; nor does a delivery whose schedule is
        # spent (attempts that never finished count too, so they cannot loop forever).
        spent = not delivery.manual_attempt and _retry_delay(delivery.attempt_count) is None
        if not delivery.endpoint.enabled or spent:
            outbox.claim(
                WebhookDelivery.objects,
                pk=delivery.pk,
                expect=as_read,
                status=WebhookDeliveryStatus.FAILED,
                next_attempt_at=None,
                updated_at=now,
            )
            return None
        number, lease_ends = delivery.attempt_count + 1, now + ATTEMPT_LEASE
        if not outbox.claim(
            WebhookDelivery.objects,
            pk=delivery.pk,
            expect=as_read,
            attempt_count=number,
            manual_attempt=False,
            next_attempt_at=lease_ends,
            updated_at=now,
        ):
            return None  # another worker claimed it first
        attempt = WebhookAttempt.objects.create(
            organization_id=delivery.organization_id,
            delivery=delivery,
            number=number,
            manual=delivery.manual_attempt,
        )
        delivery.attempt_count = number
        delivery.manual_attempt = False
        delivery.next_attempt_at = lease_ends
    return delivery, attempt


def _attempt_record(*, delivery_id: int, attempt: WebhookAttempt) -> WebhookAttempt:
    """Store the attempt's outcome and decide what comes next: done, a retry, giving up,
    or disabling an endpoint that has failed for too long."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery_id)
        )
        endpoint = delivery.endpoint
        attempt.finished_at = now
        attempt.save()
        # A later attempt may have started if this one outlived its lease: only the
        # latest attempt decides about retries.
        latest = attempt.number == delivery.attempt_count
        if latest:
            delivery.last_status_code = attempt.status_code
        if attempt.succeeded:
            delivery.status = WebhookDeliveryStatus.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=False).update(
                failing_since=None, updated_at=now
            )
        else:
            failing_since = endpoint.failing_since or attempt.created_at
            if endpoint.failing_since is None:
                WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(
                    failing_since=failing_since, updated_at=now
                )
            disable = endpoint.enabled and failing_since <= now - timedelta(
                days=settings.WEBHOOK_DISABLE_AFTER_DAYS
            )
            if latest and delivery.status == WebhookDeliveryStatus.PENDING:
                delay = None if attempt.manual or disable else _retry_delay(attempt.number)
                if delay is None:
                    delivery.status = WebhookDeliveryStatus.FAILED
                    delivery.next_attempt_at = None
                else:
                    delivery.next_attempt_at = now + delay
                    if delay <= outbox.COUNTDOWN_LIMIT:
                        _enqueue_after_commit(delivery, countdown=delay)
            if disable:
                _endpoint_disable_failing(endpoint, failing_since=failing_since, now=now)
        delivery.save(
            update_fields=[
                "status",
                "delivered_at",
                "next_attempt_at",
                "last_status_code",
                "updated_at",
            ]
        )
    return attempt


def _enqueue_after_commit(delivery: WebhookDelivery, *, countdown: timedelta) -> None:
    organization_id, delivery_ids = str(delivery.organization_id), [delivery.pk]
    transaction.on_commit(
        lambda: webhook_deliveries_enqueue(
            organization_id=organization_id, delivery_ids=delivery_ids, countdown=countdown
        )
    )


def _endpoint_disable_failing(
    endpoint: WebhookEndpoint, *, failing_since: datetime, now: datetime
) -> None:
    """Disable an endpoint that has failed since `failing_since`, stop its pending
    deliveries and tell the organization's admins, once (a conditional update)."""
    reason = (
        f"Every attempt has failed since {failing_since:%Y-%m-%d %H:%M} UTC: disabled "
        f"after {settings.WEBHOOK_DISABLE_AFTER_DAYS} days."
    )
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_reason=reason, updated_at=now
    )
    if not disabled:
        return
    # Deliveries another worker holds are skipped: their next claim finds the
    # endpoint disabled. Locking them here could deadlock with that worker.
    pending = list(
        WebhookDelivery.objects.select_for_update(skip_locked=True)
        .filter(endpoint=endpoint, status=WebhookDeliveryStatus.PENDING)
        .values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=pending).update(
        status=WebhookDeliveryStatus.FAILED, next_attempt_at=None, updated_at=now
    )
    _notify_admins_disabled(endpoint, reason=reason)


def _notify_admins_disabled(endpoint: WebhookEndpoint, *, reason: str) -> None:
    admins = list(
        Membership.objects.filter(role__in=ADMIN_ROLES, user__is_active=True).select_related(
            "user", "organization"
        )
    )
    path = reverse("engagements:webhook-detail", args=[endpoint.public_id])
    title = f"Webhook endpoint disabled: {endpoint.url}"
    Notification.objects.bulk_create(
        Notification(
            organization_id=endpoint.organization_id,
            membership=admin,
            title=title[:200],
            body=reason,
            url=path,
        )
        for admin in admins
    )
    context = {
        "endpoint": endpoint,
        "reason": reason,
        "settings_url": settings.SITE_URL.rstrip("/") + path,
    }

    def send() -> None:
        for admin in admins:
            send_mail(
                "webhook_disabled",
                {**context, "recipient": admin, "organization": admin.organization},
                to=admin.user.email,
            )

    # The in-app notifications are written with the change; mail is best effort
    # after commit (robust: a mail server failure does not undo the disabling).
    transaction.on_commit(send, robust=True)


# --- Replay ----------------------------------------------------------------------------


def webhook_delivery_replay(*, actor: Membership, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, with the same `webhook-id`.

    A finished delivery (delivered or failed) gets one more attempt, without
    retries; a delivery still retrying has its next attempt brought forward.
    """
    _require_manager(actor, delivery.endpoint)
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint")
            .get(pk=delivery.pk)
        )
        if not delivery.endpoint.enabled:
            raise ApplicationError("The endpoint is disabled: enable it to replay its deliveries.")
        if delivery.status == WebhookDeliveryStatus.PENDING:
            in_flight = (
                delivery.next_attempt_at is not None
                and delivery.next_attempt_at > now
                and delivery.attempts.filter(
                    number=delivery.attempt_count, finished_at__isnull=True
                ).exists()
            )
            if in_flight:
                raise ApplicationError("An attempt is under way; its result will show shortly.")
        else:
            delivery.status = WebhookDeliveryStatus.PENDING
            delivery.manual_attempt = True
        delivery.next_attempt_at = now
        delivery.save(update_fields=["status", "manual_attempt", "next_attempt_at", "updated_at"])
        _enqueue_after_commit(delivery, countdown=timedelta(0))
    return delivery
