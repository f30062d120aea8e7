"""`/api/v1/webhook-endpoints/` and `/api/v1/webhook-deliveries/`: owners' and admins'
keys register endpoints (the secret shown once), read the delivery log and replay;
other members' keys get 403 and another organization's key 404."""

import base64

import pytest
from standardwebhooks import Webhook

from integrations.models import WebhookDelivery
from integrations.services import webhooks
from lib.tenancy import organization_context
from tests.factories import WebhookEndpointFactory
from tests.webhook_events import delivered, submit
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.django_db

ENDPOINTS = "/api/v1/webhook-endpoints/"
DELIVERIES = "/api/v1/webhook-deliveries/"
PUBLIC_URL = "https://93.184.215.14/rapport"


@pytest.fixture(autouse=True)
def _localhost_receivers(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.0/8"]


@pytest.fixture
def admin_api(api_for, admin):
    return api_for(admin)


# --- Endpoints --------------------------------------------------------------------------


def test_an_admin_registers_an_endpoint_and_gets_its_secret_once(admin_api, admin):
    response = admin_api.post(
        ENDPOINTS,
        {"url": PUBLIC_URL, "event_types": ["submission.created", "review.completed"]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    secret = body.pop("secret")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert body["url"] == PUBLIC_URL
    assert body["event_types"] == ["review.completed", "submission.created"]
    assert body["enabled"] is True
    read = admin_api.get(f"{ENDPOINTS}{body['id']}/").json()
    assert "secret" not in read
    assert read == body
    assert "secret" not in admin_api.get(ENDPOINTS).json()["results"][0]


def test_a_private_address_is_a_400_field_error(admin_api, settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = []
    response = admin_api.post(
        ENDPOINTS,
        {"url": "http://localhost:8080/hooks", "event_types": ["nudge.sent"]},
        format="json",
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {
        "url": [
            "localhost resolves to 127.0.0.1, a loopback address: "
            "webhooks only go to public addresses."
        ]
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": PUBLIC_URL, "event_types": []}, "event_types"),
        ({"url": PUBLIC_URL, "event_types": ["submission.deleted"]}, "event_types"),
        ({"url": "ftp://93.184.215.14/", "event_types": ["nudge.sent"]}, "url"),
        ({"event_types": ["nudge.sent"]}, "url"),
    ],
)
def test_invalid_endpoints_are_400_field_errors(admin_api, body, field):
    response = admin_api.post(ENDPOINTS, body, format="json")

    assert response.status_code == 400
    assert [name.split(".")[0] for name in response.json()["errors"]] == [field]


def test_an_admin_changes_disables_and_removes_an_endpoint(admin_api, organization):
    endpoint = WebhookEndpointFactory(organization=organization)
    url = f"{ENDPOINTS}{endpoint.public_id}/"

    changed = admin_api.patch(
        url, {"event_types": ["agreement.agreed"], "enabled": False}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["event_types"] == ["agreement.agreed"]
    assert changed.json()["enabled"] is False
    assert changed.json()["url"] == endpoint.url
    assert admin_api.get(ENDPOINTS, {"enabled": "false"}).json()["results"][0]["id"] == str(
        endpoint.public_id
    )

    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404


def test_rotating_the_secret_returns_the_new_one_and_the_old_still_signs_for_now(
    admin_api, organization, recruiter
):
    with receiving([200]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        response = admin_api.post(f"{ENDPOINTS}{endpoint.public_id}/rotate-secret/")
        delivered(endpoint, recruiter, 1)

    assert response.status_code == 200
    new = response.json()["secret"]
    assert new != endpoint.secret
    (request,) = receiver.requests
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (new, endpoint.secret):
        Webhook(secret).verify(request.body, request.headers)


@pytest.mark.parametrize("cast", ["recruiter", "hiring_manager", "hr"])
def test_other_members_keys_get_403_on_webhooks(api_for, organization, recruiter, cast, request):
    endpoint = WebhookEndpointFactory(organization=organization)
    (delivery,) = delivered_without_attempt(endpoint, recruiter)
    api = api_for(request.getfixturevalue(cast))

    for method, path in [
        ("get", ENDPOINTS),
        ("post", ENDPOINTS),
        ("get", f"{ENDPOINTS}{endpoint.public_id}/"),
        ("patch", f"{ENDPOINTS}{endpoint.public_id}/"),
        ("delete", f"{ENDPOINTS}{endpoint.public_id}/"),
        ("post", f"{ENDPOINTS}{endpoint.public_id}/rotate-secret/"),
        ("get", f"{ENDPOINTS}{endpoint.public_id}/deliveries/"),
        ("get", DELIVERIES),
        ("get", f"{DELIVERIES}{delivery.public_id}/"),
        ("post", f"{DELIVERIES}{delivery.public_id}/replay/"),
    ]:
        response = getattr(api, method)(path, {}, format="json")
        assert response.status_code == 403, (method, path)
        assert response.json()["detail"] == "Only owners and admins can manage webhooks."


def test_an_admins_read_key_reads_but_cannot_write(api_for, admin, organization):
    endpoint = WebhookEndpointFactory(organization=organization)
    api = api_for(admin, scopes=("read",))

    assert api.get(f"{ENDPOINTS}{endpoint.public_id}/").status_code == 200
    assert (
        api.post(ENDPOINTS, {"url": PUBLIC_URL, "event_types": ["nudge.sent"]}).status_code == 403
    )
    assert api.post(f"{ENDPOINTS}{endpoint.public_id}/rotate-secret/").status_code == 403


def test_another_organizations_admin_key_cannot_list_read_change_or_replay(
    api_for, organization, recruiter, outsider
):
    endpoint = WebhookEndpointFactory(organization=organization)
    (delivery,) = delivered_without_attempt(endpoint, recruiter)
    api = api_for(outsider)

    assert api.get(ENDPOINTS).json()["results"] == []
    assert api.get(DELIVERIES).json()["results"] == []
    assert api.get(DELIVERIES, {"endpoint": str(endpoint.public_id)}).json()["results"] == []
    for method, path in [
        ("get", f"{ENDPOINTS}{endpoint.public_id}/"),
        ("patch", f"{ENDPOINTS}{endpoint.public_id}/"),
        ("delete", f"{ENDPOINTS}{endpoint.public_id}/"),
        ("post", f"{ENDPOINTS}{endpoint.public_id}/rotate-secret/"),
        ("get", f"{ENDPOINTS}{endpoint.public_id}/deliveries/"),
        ("get", f"{DELIVERIES}{delivery.public_id}/"),
        ("post", f"{DELIVERIES}{delivery.public_id}/replay/"),
    ]:
        response = getattr(api, method)(path, {"enabled": False}, format="json")
        assert response.status_code == 404, (method, path)
    with organization_context(organization.id):
        endpoint.refresh_from_db()
        delivery.refresh_from_db()
    assert endpoint.enabled
    assert (delivery.attempt_count, delivery.manual_attempt) == (0, False)


def delivered_without_attempt(endpoint, recruiter) -> list[WebhookDelivery]:
    submit(recruiter)
    with organization_context(endpoint.organization_id):
        return list(WebhookDelivery.objects.filter(endpoint=endpoint))


# --- Deliveries -------------------------------------------------------------------------


def test_the_delivery_log_shows_each_attempt_with_its_answer(admin_api, organization, recruiter):
    with receiving([500, 200]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        (delivery,) = delivered(endpoint, recruiter, 1)

    log = admin_api.get(f"{ENDPOINTS}{endpoint.public_id}/deliveries/").json()["results"]

    assert [entry["id"] for entry in log] == [str(delivery.public_id)]
    (entry,) = log
    assert entry["endpoint"] == str(endpoint.public_id)
    assert entry["event_type"] == "submission.created"
    assert entry["status"] == "pending"
    assert entry["attempt_count"] == 1
    assert entry["last_status_code"] == 500
    assert entry["payload"]["type"] == "submission.created"
    assert entry["payload"]["data"]["activity"] == entry["activity"]
    (attempt,) = entry["attempts"]
    assert attempt["number"] == 1
    assert attempt["status_code"] == 500
    assert attempt["succeeded"] is False
    assert attempt["response_excerpt"] == "receiver is down"
    assert attempt["error"] == "The endpoint answered 500."
    assert attempt["duration_ms"] >= 0
    assert admin_api.get(f"{DELIVERIES}{delivery.public_id}/").json() == entry
    assert receiver.requests[0].headers["webhook-id"] == entry["id"]


def test_deliveries_filter_by_endpoint_and_status(admin_api, organization, recruiter):
    with receiving([200]) as receiver:
        ok = WebhookEndpointFactory(organization=organization, url=receiver.url)
        delivered(ok, recruiter, 1)
    other = WebhookEndpointFactory(organization=organization, event_types=["nudge.sent"])

    def ids(**query) -> list[str]:
        return [entry["endpoint"] for entry in admin_api.get(DELIVERIES, query).json()["results"]]

    assert ids(endpoint=str(ok.public_id)) == [str(ok.public_id)]
    assert ids(endpoint=str(other.public_id)) == []
    assert ids(status="succeeded") == [str(ok.public_id)]
    assert ids(status="failed") == []


def test_an_admin_replays_a_delivery_and_a_worker_sends_it_again(
    admin_api, organization, recruiter
):
    with receiving([200, 200]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        (delivery,) = delivered(endpoint, recruiter, 1)

        response = admin_api.post(f"{DELIVERIES}{delivery.public_id}/replay/")
        assert response.status_code == 202
        assert response.json()["status"] == "pending"
        with organization_context(organization.id):
            webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)

    assert [r.headers["webhook-id"] for r in receiver.requests] == [str(delivery.public_id)] * 2
    entry = admin_api.get(f"{DELIVERIES}{delivery.public_id}/").json()
    assert entry["status"] == "succeeded"
    assert [attempt["manual"] for attempt in entry["attempts"]] == [False, True]


def test_replaying_for_a_disabled_endpoint_is_a_409(admin_api, organization, recruiter):
    endpoint = WebhookEndpointFactory(organization=organization)
    (delivery,) = delivered_without_attempt(endpoint, recruiter)
    admin_api.patch(f"{ENDPOINTS}{endpoint.public_id}/", {"enabled": False}, format="json")

    response = admin_api.post(f"{DELIVERIES}{delivery.public_id}/replay/")

    assert response.status_code == 409
    assert "disabled" in response.json()["detail"]
    with organization_context(organization.id):
        assert not WebhookDelivery.objects.get().manual_attempt


# --- Query counts -----------------------------------------------------------------------


def test_the_endpoint_list_runs_a_constant_number_of_queries(
    admin_api, organization, django_assert_max_num_queries
):
    WebhookEndpointFactory(organization=organization)
    admin_api.get("/api/v1/me/")  # the key's first use also records its last use
    # The key by its prefix (a savepoint around it), its member; the endpoints.
    with django_assert_max_num_queries(6) as few:
        admin_api.get(ENDPOINTS)
    WebhookEndpointFactory.create_batch(15, organization=organization)
    with django_assert_max_num_queries(6) as many:
        assert len(admin_api.get(ENDPOINTS).json()["results"]) == 16
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(("path", "budget"), [("endpoint", 8), ("all", 7)])
def test_the_delivery_lists_run_a_constant_number_of_queries(
    admin_api, organization, recruiter, path, budget, django_assert_max_num_queries
):
    with receiving([500, 200]) as receiver:
        endpoint = WebhookEndpointFactory(organization=organization, url=receiver.url)
        delivered(endpoint, recruiter, 2)
        url = f"{ENDPOINTS}{endpoint.public_id}/deliveries/" if path == "endpoint" else DELIVERIES
        admin_api.get("/api/v1/me/")  # the key's first use also records its last use
        # The key by its prefix (a savepoint around it), its member; the endpoint (the
        # nested route only); the deliveries with their endpoint and activity; their
        # attempts.
        with django_assert_max_num_queries(budget) as few:
            admin_api.get(url)
        delivered(endpoint, recruiter, 15)
        with django_assert_max_num_queries(budget) as many:
            results = admin_api.get(url).json()["results"]

    assert len(results) == 17
    assert len(many.captured_queries) == len(few.captured_queries)
