"""Outgoing webhooks: the outbox written with each activity, signed attempts against a
real HTTP server on localhost, the retry schedule, giving up, auto-disabling a
failing endpoint, replay and the sweep of lost messages."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from activity.models import Activity
from activity.services import activity_record
from engagements.models import Notification
from integrations.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from integrations.services import webhooks
from lib.exceptions import ApplicationError, PermissionDenied
from lib.tenancy import organization_context
from tests.factories import (
    MembershipFactory,
    WebhookEndpointFactory,
)
from tests.webhook_events import submit
from tests.webhook_receiver import receiving

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _localhost_receivers(settings):
    """These tests' receivers run on localhost, which webhooks otherwise refuse."""
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]


def endpoint_at(url, organization, **kwargs) -> WebhookEndpoint:
    return WebhookEndpointFactory(
        organization=organization, url=url, event_types=["submission.created"], **kwargs
    )


def the_delivery(organization) -> WebhookDelivery:
    with organization_context(organization.id):
        return WebhookDelivery.objects.select_related("endpoint").get()


def attempt(delivery: WebhookDelivery):
    with organization_context(delivery.organization_id):
        return webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)


def reload(obj):
    with organization_context(obj.organization_id):
        obj.refresh_from_db()
    return obj


# --- The outbox -------------------------------------------------------------------------


def test_an_event_queues_one_delivery_per_subscribed_enabled_endpoint(
    organization, other_organization, recruiter, outsider
):
    subscribed = WebhookEndpointFactory(organization=organization)
    WebhookEndpointFactory(organization=organization, event_types=["review.completed"])
    WebhookEndpointFactory(organization=organization, enabled=False)
    WebhookEndpointFactory(organization=other_organization)

    submission = submit(recruiter)

    with organization_context(organization.id):
        deliveries = list(WebhookDelivery.objects.filter(event_type="submission.created"))
        activity = Activity.objects.get(verb="submission.created")
    assert [d.endpoint_id for d in deliveries] == [subscribed.pk]
    (delivery,) = deliveries
    assert delivery.activity_id == activity.pk
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert json.loads(delivery.body)["data"]["submission"] == str(submission.public_id)
    with organization_context(other_organization.id):
        assert not WebhookDelivery.objects.exists()


def test_the_deliveries_are_written_in_the_activitys_transaction_and_enqueued_after_commit(
    organization, recruiter, django_capture_on_commit_callbacks, monkeypatch
):
    WebhookEndpointFactory(organization=organization, event_types=["submission.created"])
    enqueued = []
    monkeypatch.setattr(
        webhooks, "webhook_deliveries_enqueue", lambda **kwargs: enqueued.append(kwargs)
    )
    submission = submit(recruiter)

    def fail_after_recording() -> None:
        with transaction.atomic():
            activity_record(
                actor=recruiter, verb="submission.created", submission=submission, summary="no"
            )
            raise RuntimeError("the service failed after recording")

    with organization_context(organization.id), pytest.raises(RuntimeError):
        fail_after_recording()
    with organization_context(organization.id):
        assert WebhookDelivery.objects.count() == 1  # the submission's own, not the rolled back

    with (
        organization_context(organization.id),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        activity_record(
            actor=recruiter, verb="submission.created", submission=submission, summary="kept"
        )
        assert enqueued == []  # nothing leaves before the commit
    assert len(enqueued) == 1
    with organization_context(organization.id):
        assert enqueued[0]["delivery_ids"] == [
            WebhookDelivery.objects.get(activity__summary="kept").pk
        ]


def test_an_activity_that_is_not_an_event_costs_no_query(
    organization, admin, django_assert_num_queries
):
    WebhookEndpointFactory(organization=organization)
    with organization_context(organization.id), django_assert_num_queries(1):  # the insert
        activity_record(actor=admin, verb="nudge_policy.updated", summary="Policy changed")


def test_the_payload_names_every_object_by_its_public_id(organization, recruiter):
    WebhookEndpointFactory(organization=organization)
    submission = submit(recruiter)

    delivery = the_delivery(organization)
    with organization_context(organization.id):
        activity = Activity.objects.get(pk=delivery.activity_id)
    body = json.loads(delivery.body)
    assert body == {
        "type": "submission.created",
        "timestamp": body["timestamp"],
        "data": {
            "activity": str(activity.public_id),
            "summary": activity.summary,
            "internal": False,
            "actor": str(recruiter.public_id),
            "client": str(submission.client.public_id),
            "role": str(submission.role.public_id),
            "candidate": str(submission.candidate.public_id),
            "submission": str(submission.public_id),
            "payload": {},
        },
    }
    assert datetime.fromisoformat(body["timestamp"]) == activity.created_at.replace(
        microsecond=activity.created_at.microsecond // 1000 * 1000
    )


# --- Signed attempts --------------------------------------------------------------------


def test_a_delivery_is_signed_per_standard_webhooks_and_verifies_with_the_reference_library(
    organization, admin, recruiter
):
    with receiving([200]) as receiver, organization_context(organization.id):
        endpoint, secret = webhooks.webhook_endpoint_create(
            actor=admin, url=receiver.url, event_types=["submission.created"]
        )
        submit(recruiter)
        delivery = the_delivery(organization)
        made = attempt(delivery)

        (request,) = receiver.requests
        assert request.headers["webhook-id"] == str(delivery.public_id)
        assert request.headers["content-type"] == "application/json"
        assert request.body.decode() == delivery.body
        payload = Webhook(secret).verify(request.body, request.headers)
        assert payload["type"] == "submission.created"
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(request.body.replace(b"created", b"deleted"), request.headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(webhooks.webhook_secret_generate()).verify(request.body, request.headers)

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert made.succeeded
    assert (made.status_code, made.response_excerpt) == (200, "thanks")
    assert made.duration_ms is not None
    delivery = reload(delivery)
    assert delivery.status == WebhookDeliveryStatus.SUCCEEDED
    assert delivery.next_attempt_at is None
    assert endpoint.secret == secret


def test_after_a_rotation_both_secrets_sign_for_a_day_then_only_the_new_one(
    organization, admin, recruiter
):
    with receiving([204]) as receiver, organization_context(organization.id):
        endpoint, old = webhooks.webhook_endpoint_create(
            actor=admin, url=receiver.url, event_types=["submission.created"]
        )
        with time_machine.travel(T0, tick=False):
            endpoint, new = webhooks.webhook_endpoint_rotate_secret(actor=admin, endpoint=endpoint)
        for moment in (T0 + timedelta(hours=23), T0 + timedelta(hours=25)):
            with time_machine.travel(moment):
                submit(recruiter)
                delivery = WebhookDelivery.objects.get(status=WebhookDeliveryStatus.PENDING)
                attempt(delivery)
                request = receiver.requests[-1]
                Webhook(new).verify(request.body, request.headers)
                if moment < T0 + timedelta(hours=24):
                    Webhook(old).verify(request.body, request.headers)
                else:
                    with pytest.raises(WebhookVerificationError):
                        Webhook(old).verify(request.body, request.headers)
    assert old != new


def test_a_failing_receiver_is_retried_on_the_schedule_until_it_succeeds_once(
    organization, recruiter
):
    with receiving([500, 503, 200]) as receiver:
        endpoint = endpoint_at(receiver.url, organization)
        with time_machine.travel(T0):
            submit(recruiter)
            delivery = the_delivery(organization)
            first = attempt(delivery)
            assert attempt(delivery) is None  # the retry is not due yet: no request
        assert reload(delivery).next_attempt_at >= T0 + timedelta(seconds=5)
        with time_machine.travel(T0 + timedelta(seconds=6)):
            second = attempt(delivery)
        assert reload(delivery).next_attempt_at >= T0 + timedelta(seconds=6 + 300)
        with time_machine.travel(T0 + timedelta(seconds=6 + 301)):
            third = attempt(delivery)
            assert attempt(delivery) is None  # delivered: nothing more

    assert [r.answered for r in receiver.requests] == [500, 503, 200]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    assert [(a.number, a.status_code, a.succeeded) for a in (first, second, third)] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    assert first.error == "The endpoint answered 500."
    assert first.response_excerpt == "receiver is down"
    delivery = reload(delivery)
    assert delivery.status == WebhookDeliveryStatus.SUCCEEDED
    assert delivery.attempt_count == 3
    assert delivery.last_status_code == 200
    assert reload(endpoint).failing_since is None


def test_a_delivery_fails_for_good_after_the_last_attempt_of_the_schedule(
    settings, organization, recruiter
):
    settings.WEBHOOK_RETRY_SCHEDULE = [0, 60]
    with receiving([500]) as receiver:
        endpoint_at(receiver.url, organization)
        with time_machine.travel(T0):
            submit(recruiter)
            delivery = the_delivery(organization)
            attempt(delivery)
        with time_machine.travel(T0 + timedelta(seconds=61)):
            attempt(delivery)
        with time_machine.travel(T0 + timedelta(days=1)):
            assert attempt(delivery) is None

    assert len(receiver.requests) == 2
    delivery = reload(delivery)
    assert delivery.status == WebhookDeliveryStatus.FAILED
    assert delivery.next_attempt_at is None


def test_an_unreachable_receiver_is_a_failed_attempt_with_the_reason(
    organization, recruiter, settings
):
    with receiving([204]) as receiver:
        url = receiver.url  # the server stops at the end of the block: nobody listens
    endpoint_at(url, organization)
    submit(recruiter)
    made = attempt(the_delivery(organization))

    assert not made.succeeded
    assert made.status_code is None
    assert "refused" in made.error.lower()
    assert reload(the_delivery(organization)).status == WebhookDeliveryStatus.PENDING


def test_a_binary_answer_is_recorded_as_its_readable_excerpt(organization, recruiter):
    with receiving([502], reply=b"\x00\xffbad gateway" + b"x" * 5000) as receiver:
        endpoint_at(receiver.url, organization)
        submit(recruiter)
        made = attempt(the_delivery(organization))

    assert made.status_code == 502
    assert made.response_excerpt.startswith("\ufffd\ufffdbad gateway")
    assert len(made.response_excerpt) == 1024


def test_short_waits_are_countdowns_and_long_ones_are_left_to_the_sweep(
    settings, organization, recruiter, django_capture_on_commit_callbacks, monkeypatch
):
    settings.WEBHOOK_RETRY_SCHEDULE = [0, 300, 1800]
    enqueued = []
    monkeypatch.setattr(
        webhooks, "webhook_deliveries_enqueue", lambda **kwargs: enqueued.append(kwargs)
    )
    with receiving([500]) as receiver:
        endpoint_at(receiver.url, organization)
        with time_machine.travel(T0):
            submit(recruiter)
            delivery = the_delivery(organization)
            with django_capture_on_commit_callbacks(execute=True):
                attempt(delivery)
        with time_machine.travel(T0 + timedelta(seconds=301)):
            with django_capture_on_commit_callbacks(execute=True):
                attempt(delivery)
            assert reload(delivery).next_attempt_at > T0 + timedelta(seconds=301 + 1799)

    assert [call["countdown"] for call in enqueued] == [timedelta(seconds=300)]


def test_attempts_that_never_finish_stop_when_the_schedule_is_spent(
    settings, organization, recruiter
):
    settings.WEBHOOK_RETRY_SCHEDULE = [0, 60]
    WebhookEndpointFactory(organization=organization)
    with time_machine.travel(T0):
        submit(recruiter)
    delivery = the_delivery(organization)
    moment = T0 + timedelta(seconds=1)
    for _ in range(2):  # each worker dies mid-attempt
        with time_machine.travel(moment), organization_context(organization.id):
            assert webhooks._attempt_claim(delivery_id=delivery.pk) is not None
        moment += webhooks.ATTEMPT_LEASE + timedelta(seconds=1)
    with time_machine.travel(moment):
        assert attempt(delivery) is None

    delivery = reload(delivery)
    assert delivery.status == WebhookDeliveryStatus.FAILED
    assert delivery.attempt_count == 2


# --- A failing endpoint is disabled -----------------------------------------------------


def test_an_endpoint_failing_for_five_days_is_disabled_and_its_admins_told(
    organization, owner, admin, recruiter, django_capture_on_commit_callbacks
):
    with receiving([500]) as receiver:
        endpoint = endpoint_at(receiver.url, organization)
        with time_machine.travel(T0):
            submit(recruiter)
            attempt(the_delivery(organization))  # fails: its retries stay pending
        with time_machine.travel(T0 + timedelta(days=5) - timedelta(minutes=1)):
            submit(recruiter)
            with organization_context(organization.id):
                attempt(WebhookDelivery.objects.filter(attempt_count=0).get())
            assert reload(endpoint).enabled
        with (
            time_machine.travel(T0 + timedelta(days=5, minutes=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            submit(recruiter)
            with organization_context(organization.id):
                attempt(WebhookDelivery.objects.filter(attempt_count=0).get())

    endpoint = reload(endpoint)
    assert not endpoint.enabled
    assert "2026-03-02 09:00" in endpoint.disabled_reason
    with organization_context(organization.id):
        assert not WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING).exists()
        told = Notification.objects.filter(title__startswith="Webhook endpoint disabled")
        assert {n.membership_id for n in told} == {owner.pk, admin.pk}
        assert told[0].url == f"/settings/webhooks/{endpoint.public_id}/"
    assert sorted(message.to[0] for message in mail.outbox) == [
        "admin@northwind.test",
        "owner@northwind.test",
    ]
    assert receiver.url in mail.outbox[0].body
    assert f"/settings/webhooks/{endpoint.public_id}/" in mail.outbox[0].body

    submit(recruiter)  # a disabled endpoint receives nothing more
    with organization_context(organization.id):
        assert WebhookDelivery.objects.count() == 3


def test_a_success_restarts_the_failing_window(organization, recruiter):
    with receiving([500, 204, 500]) as receiver:
        endpoint = endpoint_at(receiver.url, organization)
        for moment in (T0, T0 + timedelta(days=1), T0 + timedelta(days=5, minutes=1)):
            with time_machine.travel(moment):
                submit(recruiter)
                with organization_context(organization.id):
                    attempt(WebhookDelivery.objects.filter(attempt_count=0).get())

    endpoint = reload(endpoint)
    assert endpoint.enabled
    assert endpoint.failing_since >= T0 + timedelta(days=5)


# --- Replay -----------------------------------------------------------------------------


def test_replay_sends_a_delivered_event_once_more_with_the_same_webhook_id(
    organization, admin, recruiter
):
    with receiving([204, 500]) as receiver:
        endpoint_at(receiver.url, organization)
        submit(recruiter)
        delivery = the_delivery(organization)
        attempt(delivery)
        with organization_context(organization.id):
            webhooks.webhook_delivery_replay(actor=admin, delivery=delivery)
        replayed = attempt(delivery)

    assert replayed.manual
    assert (replayed.number, replayed.status_code) == (2, 500)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [str(delivery.public_id)] * 2
    delivery = reload(delivery)
    # A replay is one attempt: its failure schedules no retry.
    assert delivery.status == WebhookDeliveryStatus.FAILED
    assert delivery.next_attempt_at is None


def test_replay_brings_a_waiting_retry_forward(organization, admin, recruiter):
    with receiving([500, 204]) as receiver:
        endpoint_at(receiver.url, organization)
        submit(recruiter)
        delivery = the_delivery(organization)
        attempt(delivery)
        assert attempt(delivery) is None  # waiting 5 seconds
        with organization_context(organization.id):
            webhooks.webhook_delivery_replay(actor=admin, delivery=delivery)
        retried = attempt(delivery)

    assert not retried.manual
    assert retried.succeeded
    assert len(receiver.requests) == 2


def test_replay_is_refused_while_the_endpoint_is_disabled(organization, admin, recruiter):
    endpoint = WebhookEndpointFactory(organization=organization)
    submit(recruiter)
    delivery = the_delivery(organization)
    with organization_context(organization.id):
        webhooks.webhook_endpoint_update(actor=admin, endpoint=endpoint, enabled=False)
        with pytest.raises(ApplicationError, match="disabled"):
            webhooks.webhook_delivery_replay(actor=admin, delivery=delivery)


def test_a_recruiter_cannot_replay_a_delivery(organization, recruiter):
    WebhookEndpointFactory(organization=organization)
    submit(recruiter)
    with organization_context(organization.id), pytest.raises(PermissionDenied):
        webhooks.webhook_delivery_replay(actor=recruiter, delivery=the_delivery(organization))


def test_a_disabled_endpoints_queued_delivery_fails_without_a_request(
    organization, admin, recruiter
):
    with receiving([204]) as receiver:
        endpoint = endpoint_at(receiver.url, organization)
        submit(recruiter)
        with organization_context(organization.id):
            webhooks.webhook_endpoint_update(actor=admin, endpoint=endpoint, enabled=False)
        assert attempt(the_delivery(organization)) is None

    assert receiver.requests == []
    assert the_delivery(organization).status == WebhookDeliveryStatus.FAILED


# --- Claims and the sweep ---------------------------------------------------------------


def test_an_abandoned_attempt_is_retried_after_its_lease_with_the_next_number(
    organization, recruiter
):
    with receiving([204]) as receiver:
        endpoint_at(receiver.url, organization)
        with time_machine.travel(T0):
            submit(recruiter)
            delivery = the_delivery(organization)
            # A worker claims attempt 1 and dies before sending.
            with organization_context(organization.id):
                assert webhooks._attempt_claim(delivery_id=delivery.pk) is not None
            assert attempt(delivery) is None  # a duplicate message finds it leased
        with time_machine.travel(T0 + webhooks.ATTEMPT_LEASE + timedelta(seconds=1)):
            made = attempt(delivery)

    assert made.number == 2
    assert made.succeeded
    assert len(receiver.requests) == 1
    with organization_context(organization.id):
        abandoned = WebhookAttempt.objects.get(number=1)
    assert abandoned.finished_at is None


@pytest.mark.usefixtures("celery_queue")
def test_the_sweep_enqueues_due_deliveries_whose_message_never_came_in_every_organization(
    organization, other_organization, recruiter, broker_down
):
    WebhookEndpointFactory(organization=organization)
    WebhookEndpointFactory(organization=other_organization)
    with time_machine.travel(T0):
        # A test's transaction never commits, so the after-commit enqueue never runs:
        # exactly what a broker outage at commit time leaves behind.
        submit(recruiter)
        submit(MembershipFactory(organization=other_organization, role="recruiter"))
        assert webhooks.webhook_deliveries_requeue_due() == 0  # too early to call them lost
    with time_machine.travel(T0 + webhooks.SWEEP_GRACE + timedelta(seconds=1)):
        assert webhooks.webhook_deliveries_requeue_due() == 2  # the broker is still down
        assert reload(the_delivery(organization)).enqueued_at is None
        broker_down()  # now it is back
        assert webhooks.webhook_deliveries_requeue_due() == 2
        assert webhooks.webhook_deliveries_requeue_due() == 0  # enqueued a moment ago

    for org in (organization, other_organization):
        assert reload(the_delivery(org)).enqueued_at is not None
