"""Webhook events made the real way, for the webhook tests of both test folders."""

from integrations.models import WebhookDelivery
from integrations.services import webhooks
from lib.tenancy import organization_context
from recruiting.models import Submission
from recruiting.services import submission_create
from tests.factories import CandidateFactory, RoleFactory


def submit(recruiter) -> Submission:
    """A submission through the real service: its `submission.created` is the event."""
    organization = recruiter.organization
    with organization_context(organization.id):
        return submission_create(
            actor=recruiter,
            role=RoleFactory(organization=organization),
            candidate=CandidateFactory(organization=organization),
            pitch="A strong fit.",
        )


def delivered(endpoint, recruiter, count: int) -> list[WebhookDelivery]:
    """`count` events for `endpoint`, each attempted once."""
    for _ in range(count):
        submit(recruiter)
    with organization_context(endpoint.organization_id):
        deliveries = list(WebhookDelivery.objects.filter(endpoint=endpoint, attempt_count=0))
        for delivery in deliveries:
            webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
    return deliveries
