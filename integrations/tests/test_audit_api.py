"""`GET /api/v1/audit-events/`: the security log for a SIEM, with an admin-scoped key;
and the events API keys and webhooks record."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.audit import record_security_event
from accounts.models import SecurityEvent, SecurityEventKind
from integrations import services
from lib.tenancy import organization_context
from tests.api.conftest import issue_key, key_client

K = SecurityEventKind
URL = "/api/v1/audit-events/"

pytestmark = pytest.mark.django_db


def _events(organization, kind=None) -> list[SecurityEvent]:
    with organization_context(organization.id):
        queryset = SecurityEvent.objects.order_by("sequence")
        return list(queryset.filter(kind=kind) if kind else queryset)


def test_an_admin_scoped_key_pulls_its_organizations_log_only(
    owner, outsider, organization, other_organization
):
    ours = record_security_event(organization, K.MEMBERSHIP_REMOVED, target="ours@x.test")
    record_security_event(other_organization, K.MEMBERSHIP_REMOVED, target="theirs@x.test")

    response = key_client(issue_key(owner, scopes=["admin"])).get(URL)

    assert response.status_code == 200
    results = response.json()["results"]
    targets = [item["target"] for item in results]
    assert "ours@x.test" in targets
    assert "theirs@x.test" not in targets
    item = next(item for item in results if item["id"] == str(ours.public_id))
    assert (item["kind"], item["sequence"], item["hash"]) == (
        "membership.removed",
        ours.sequence,
        ours.hash,
    )
    outsiders = key_client(issue_key(outsider, scopes=["admin"])).get(URL).json()["results"]
    assert "ours@x.test" not in [item["target"] for item in outsiders]


@pytest.mark.parametrize("role", ["owner", "recruiter", "hiring_manager"])
def test_a_key_without_the_admin_scope_is_refused(request, role):
    member = request.getfixturevalue(role)
    response = key_client(issue_key(member, scopes=["read", "write"])).get(URL)
    assert response.status_code == 403
    assert "admin scope" in response.json()["detail"]


@pytest.mark.parametrize("role", ["owner", "hr"])
def test_a_browser_session_is_refused(request, role):
    browser = APIClient()
    browser.force_login(request.getfixturevalue(role).user)
    assert browser.get(URL).status_code == 403


def test_the_admin_scope_is_only_for_keys_acting_as_an_owner_or_admin(owner, recruiter):
    with organization_context(owner.organization_id), pytest.raises(ValidationError) as error:
        services.api_key_create(actor=owner, name="SIEM", scopes=["admin"], acting_as=recruiter)
    assert "admin scope" in str(error.value.message_dict["scopes"])


def test_an_admin_scoped_key_reads_nothing_else(owner):
    api = key_client(issue_key(owner, scopes=["admin"]))
    assert api.get("/api/v1/candidates/").status_code == 403


def test_since_and_kind_filter_and_writes_are_not_allowed(owner, organization):
    with time_machine.travel("2026-11-02 10:00Z", tick=False):
        record_security_event(organization, K.SIGNED_IN, target="old")
    with time_machine.travel("2026-11-20 10:00Z", tick=False):
        record_security_event(organization, K.SIGNED_IN, target="new")
        record_security_event(organization, K.SIGN_IN_FAILED, target="failed")
    api = key_client(issue_key(owner, scopes=["admin"]))

    response = api.get(URL, {"since": "2026-11-10T00:00:00Z", "kind": "auth.signed_in"})

    assert [item["target"] for item in response.json()["results"]] == ["new"]
    oldest_first = api.get(URL, {"ordering": "occurred_at", "limit": 1}).json()
    assert oldest_first["results"][0]["target"] == "old"
    assert oldest_first["next"]
    assert api.get(URL, {"kind": "auth.sneezed"}).status_code == 400
    assert api.post(URL, {}, format="json").status_code == 405


# --- What API keys and webhooks record ---------------------------------------------------


def test_creating_and_revoking_a_key_and_using_the_revoked_key_are_recorded(owner, organization):
    with organization_context(organization.id):
        api_key, key = services.api_key_create(actor=owner, name="Lever", scopes=["read"])
        services.api_key_revoke(actor=owner, api_key=api_key)

    for _ in range(3):
        response = key_client(key).get(
            "/api/v1/me/", REMOTE_ADDR="203.0.113.50", HTTP_USER_AGENT="cron/1"
        )
        assert response.status_code == 401

    created, revoked, used = _events(organization)
    assert (created.kind, created.target, created.details["scopes"]) == (
        K.API_KEY_CREATED,
        f"Lever ({api_key.prefix}…)",
        ["read"],
    )
    assert (revoked.kind, revoked.actor_email) == (K.API_KEY_REVOKED, owner.user.email)
    # Once a minute per key, however often it is tried.
    assert (used.kind, used.actor_api_key_prefix, used.ip_address, used.user_agent) == (
        K.API_KEY_REFUSED,
        api_key.prefix,
        "203.0.113.50",
        "cron/1",
    )


def test_using_an_expired_key_or_one_from_an_address_it_does_not_admit_is_recorded(
    owner, organization
):
    with organization_context(organization.id):
        _, expiring = services.api_key_create(
            actor=owner,
            name="Short",
            scopes=["read"],
            expires_at=timezone.now() + timedelta(days=1),
        )
        _, bound = services.api_key_create(
            actor=owner, name="Office", scopes=["read"], allowed_networks=["192.0.2.0/24"]
        )
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert key_client(expiring).get("/api/v1/me/").status_code == 401
    assert key_client(bound).get("/api/v1/me/", REMOTE_ADDR="203.0.113.9").status_code == 403

    expired, elsewhere = _events(organization, K.API_KEY_REFUSED)
    assert set(expired.details) == {"expired_at"}
    assert elsewhere.details == {"address": "203.0.113.9"}


def test_a_wrong_secret_with_a_revoked_keys_prefix_records_nothing(owner, organization):
    with organization_context(organization.id):
        api_key, key = services.api_key_create(actor=owner, name="Lever", scopes=["read"])
        services.api_key_revoke(actor=owner, api_key=api_key)
    forged = key[:-4] + "AAAA"
    assert key_client(forged).get("/api/v1/me/").status_code == 401
    assert _events(organization, K.API_KEY_REFUSED) == []


def test_a_request_with_a_key_names_the_key_in_the_event_it_causes(owner, organization):
    api_key_secret = issue_key(owner)
    prefix = api_key_secret.split("_")[1]
    response = key_client(api_key_secret).post(
        "/api/v1/webhook-endpoints/",
        {"url": "https://93.184.215.14/rapport", "event_types": ["submission.created"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    (event,) = _events(organization, K.WEBHOOK_CREATED)
    assert (event.actor_api_key_prefix, event.actor_email) == (prefix, owner.user.email)


def test_webhook_endpoint_changes_are_recorded(owner, organization):
    from tests.factories import WebhookEndpointFactory

    endpoint = WebhookEndpointFactory(organization=organization)
    with organization_context(organization.id):
        services.webhook_endpoint_update(actor=owner, endpoint=endpoint, description="CRM")
        services.webhook_endpoint_rotate_secret(actor=owner, endpoint=endpoint)
        services.webhook_endpoint_delete(actor=owner, endpoint=endpoint)

    assert [event.kind for event in _events(organization)] == [
        K.WEBHOOK_CHANGED,
        K.WEBHOOK_SECRET_ROTATED,
        K.WEBHOOK_DELETED,
    ]
    assert {event.target for event in _events(organization)} == {endpoint.url}
