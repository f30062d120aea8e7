"""A real Celery worker, fed through Redis, delivers a webhook to a real receiver that
fails twice: the retries (shortened by settings passed to the worker) end in exactly
one successful delivery, every request signed and verifiable."""

import pytest
from standardwebhooks import Webhook

from integrations.models import WebhookDelivery, WebhookDeliveryStatus
from integrations.services import webhooks
from lib.tenancy import organization_context
from tests.webhook_events import submit
from tests.webhook_receiver import receiving
from tests.workers import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LOCALHOST = "127.0.0.0/8"


def test_a_real_worker_retries_a_failing_receiver_until_one_delivery_succeeds(
    start_worker, celery_queue, settings, organization, admin, recruiter
):
    # Localhost is refused unless allowed: here, for this test's receiver only, in
    # this process (registration) and in the worker's (delivery).
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = [LOCALHOST]
    start_worker(
        WEBHOOK_ALLOWED_PRIVATE_NETWORKS=LOCALHOST,
        WEBHOOK_RETRY_SCHEDULE="0,1,1,1",
    )
    with receiving([500, 503, 200]) as receiver:
        with organization_context(organization.id):
            _endpoint, secret = webhooks.webhook_endpoint_create(
                actor=admin, url=receiver.url, event_types=["submission.created"]
            )
            submission = submit(recruiter)

        def delivered() -> bool:
            with organization_context(organization.id):
                return WebhookDelivery.objects.filter(
                    status=WebhookDeliveryStatus.SUCCEEDED
                ).exists()

        wait_until(delivered, "the webhook delivered after two failures")

    with organization_context(organization.id):
        delivery = WebhookDelivery.objects.get()
        attempts = list(delivery.attempts.order_by("number"))
    assert [r.answered for r in receiver.requests] == [500, 503, 200]
    assert [(a.number, a.status_code, a.succeeded) for a in attempts] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    assert delivery.next_attempt_at is None  # nothing more will be sent
    for request in receiver.requests:
        assert request.headers["webhook-id"] == str(delivery.public_id)
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload["data"]["submission"] == str(submission.public_id)
    assert webhooks.webhook_deliveries_requeue_due() == 0
