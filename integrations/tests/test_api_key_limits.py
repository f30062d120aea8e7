"""API keys' optional limits: an expiry time and an allow-list of networks.

An expired key gets 401 and one presented from outside its allow-list 403, each as a
problem naming why; the client's address is the one allauth's sign-in limits read
(`lib.client_ip`), so the proxy settings mean the same thing for both.
"""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from integrations.models import ApiKey
from integrations.services import ApiKeyRefused, api_key_authenticate, api_key_create
from integrations.services.api_keys import MAX_ALLOWED_NETWORKS
from lib.tenancy import organization_context
from recruiting.models import Client
from tests.api.conftest import key_client

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PROXY = "10.0.0.5"


def _issue(actor, **limits) -> tuple[ApiKey, str]:
    with organization_context(actor.organization_id):
        return api_key_create(actor=actor, name="Sync", scopes=["read"], **limits)


def _me(key: str, **request_meta):
    return key_client(key).get("/api/v1/me/", **request_meta)


# --- Expiry -----------------------------------------------------------------------------


def test_a_key_works_until_it_expires_then_gets_401_naming_the_expiry(owner):
    with time_machine.travel(NOON, tick=False) as clock:
        _api_key, key = _issue(owner, expires_at=NOON + timedelta(days=30))
        clock.shift(timedelta(days=30) - timedelta(seconds=1))
        assert _me(key).status_code == 200

        clock.shift(timedelta(seconds=1))
        response = _me(key)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'
    problem = response.json()
    assert problem["code"] == "api_key_expired"
    assert "expired at 2026-04-01T12:00:00+00:00" in problem["detail"]


def test_an_expired_key_is_not_marked_used(owner):
    with time_machine.travel(NOON, tick=False) as clock:
        api_key, key = _issue(owner, expires_at=NOON + timedelta(hours=1))
        clock.shift(timedelta(hours=2))
        with pytest.raises(ApiKeyRefused):
            api_key_authenticate(key=key)
    with organization_context(owner.organization_id):
        assert ApiKey.objects.get(pk=api_key.pk).last_used_at is None


def test_a_key_cannot_be_created_already_expired(owner):
    with time_machine.travel(NOON, tick=False), pytest.raises(ValidationError) as refused:
        _issue(owner, expires_at=NOON)
    assert "expires_at" in refused.value.message_dict


def test_a_key_without_expiry_still_works_years_later(owner):
    with time_machine.travel(NOON, tick=False) as clock:
        _api_key, key = _issue(owner)
        clock.shift(timedelta(days=3650))
        assert _me(key).status_code == 200


# --- Allow-list: validation -----------------------------------------------------------


def test_networks_are_normalized_and_deduplicated(owner):
    api_key, _key = _issue(
        owner,
        allowed_networks=["203.0.113.7", " 198.51.100.0/24 ", "2001:DB8::/32", "203.0.113.7/32"],
    )
    assert api_key.allowed_networks == ["203.0.113.7/32", "198.51.100.0/24", "2001:db8::/32"]


@pytest.mark.parametrize(
    "entry", ["example.com", "203.0.113.300", "10.0.0.1/24", "2001:db8::/129", "1.2.3.4/-1"]
)
def test_a_bad_address_or_network_is_refused_by_name(owner, entry):
    with pytest.raises(ValidationError) as refused:
        _issue(owner, allowed_networks=["203.0.113.7", entry])
    (message,) = refused.value.message_dict["allowed_networks"]
    assert entry in message
    with organization_context(owner.organization_id):
        assert not ApiKey.objects.exists()


def test_the_allow_list_is_bounded(owner):
    too_many = [f"203.0.113.{n}" for n in range(MAX_ALLOWED_NETWORKS + 1)]
    with pytest.raises(ValidationError) as refused:
        _issue(owner, allowed_networks=too_many)
    assert "At most 20" in refused.value.message_dict["allowed_networks"][0]
    api_key, _key = _issue(owner, allowed_networks=too_many[:MAX_ALLOWED_NETWORKS])
    assert len(api_key.allowed_networks) == MAX_ALLOWED_NETWORKS


# --- Allow-list: requests ---------------------------------------------------------------


def test_a_key_with_an_allow_list_works_from_inside_and_gets_403_from_elsewhere(owner):
    _api_key, key = _issue(owner, allowed_networks=["203.0.113.0/24", "2001:db8:5::/48"])

    assert _me(key, REMOTE_ADDR="203.0.113.77").status_code == 200
    assert _me(key, REMOTE_ADDR="2001:db8:5:1::9").status_code == 200
    for outside in ["198.51.100.1", "2001:db8:6::1"]:
        response = _me(key, REMOTE_ADDR=outside)
        assert response.status_code == 403, outside
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "api_key_address_not_allowed"
        assert outside in problem["detail"]


def test_a_refused_address_changes_nothing(owner):
    api_key, key = _issue(owner, allowed_networks=["203.0.113.0/24"])
    response = key_client(key).post(
        "/api/v1/clients/", {"name": "Forged"}, format="json", REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 403
    with organization_context(owner.organization_id):
        assert ApiKey.objects.get(pk=api_key.pk).last_used_at is None
        assert not Client.objects.filter(name="Forged").exists()


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_checked(owner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _api_key, key = _issue(owner, allowed_networks=["203.0.113.0/24"])

    inside = _me(key, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    prepended = _me(key, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1")

    assert inside.status_code == 200
    assert prepended.status_code == 403  # the proxy appended the real one: 198.51.100.1


def test_without_a_trusted_proxy_a_forwarded_for_header_is_not_believed(owner, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    _api_key, key = _issue(owner, allowed_networks=["203.0.113.0/24"])

    response = _me(key, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


def test_a_client_ip_header_set_by_the_proxy_is_read_as_for_sign_in(owner, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    _api_key, key = _issue(owner, allowed_networks=["2001:db8::/32"])

    assert _me(key, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="2001:db8::1").status_code == 200
    assert _me(key, REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="not-an-address").status_code == 403


def test_a_forwarded_for_shorter_than_the_proxies_trusted_is_refused_not_guessed(owner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    _api_key, key = _issue(owner, allowed_networks=["203.0.113.0/24"])

    response = _me(key, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


def test_me_reports_the_keys_expiry_and_allow_list(owner):
    with time_machine.travel(NOON, tick=False):
        _api_key, key = _issue(
            owner, expires_at=NOON + timedelta(days=90), allowed_networks=["203.0.113.0/24"]
        )
        body = _me(key, REMOTE_ADDR="203.0.113.1").json()
    assert body["api_key"]["expires_at"] == "2026-05-31T12:00:00Z"
    assert body["api_key"]["allowed_networks"] == ["203.0.113.0/24"]


# --- Tenancy and roles ------------------------------------------------------------------


def test_another_organizations_key_limits_do_not_touch_ours(owner, outsider):
    """Each key carries its own limits: an outsider's expired, fenced key changes
    nothing for ours, and ours does not work for them."""
    with time_machine.travel(NOON, tick=False) as clock:
        _theirs, their_key = _issue(
            outsider, expires_at=NOON + timedelta(hours=1), allowed_networks=["192.0.2.0/24"]
        )
        _ours, our_key = _issue(owner, allowed_networks=["203.0.113.0/24"])
        clock.shift(timedelta(hours=2))
        ours = _me(our_key, REMOTE_ADDR="203.0.113.1")
        theirs = _me(their_key, REMOTE_ADDR="192.0.2.1")
    assert ours.status_code == 200
    assert ours.json()["organization"]["id"] == str(owner.organization_id)
    assert theirs.status_code == 401


def test_a_hiring_managers_fenced_key_still_sees_only_their_client(
    owner, hiring_manager, client_company
):
    with organization_context(owner.organization_id):
        _api_key, key = api_key_create(
            actor=owner,
            name="HM",
            scopes=["read"],
            acting_as=hiring_manager,
            allowed_networks=["203.0.113.0/24"],
        )
    response = key_client(key).get("/api/v1/clients/", REMOTE_ADDR="203.0.113.1")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(client_company.public_id)]


# --- Settings page ----------------------------------------------------------------------


def test_admin_creates_a_key_expiring_in_90_days_for_two_networks(client_for, owner):
    with time_machine.travel(NOON, tick=False):
        response = client_for(owner).post(
            reverse("accounts:api-keys"),
            {
                "name": "Lever sync",
                "scopes": ["read"],
                "acting_as": str(owner.public_id),
                "expiry": "90",
                "allowed_networks": "203.0.113.0/24\r\n2001:db8::/32",
            },
        )
    assert response.status_code == 200
    with organization_context(owner.organization_id):
        api_key = ApiKey.objects.get()
    assert api_key.expires_at == NOON + timedelta(days=90)
    assert api_key.allowed_networks == ["203.0.113.0/24", "2001:db8::/32"]
    page = response.content.decode()
    assert "31 May 2026 12:00 UTC" in page
    assert "<code>203.0.113.0/24</code>, <code>2001:db8::/32</code>" in page


def test_a_key_expiring_on_a_date_stops_as_that_day_begins_in_the_organizations_zone(
    client_for, owner
):
    assert owner.organization.timezone == "Europe/London"
    with time_machine.travel(NOON, tick=False):
        client_for(owner).post(
            reverse("accounts:api-keys"),
            {
                "name": "Summer project",
                "scopes": ["read"],
                "acting_as": str(owner.public_id),
                "expiry": "date",
                "expires_on": "2026-07-01",
            },
        )
    with organization_context(owner.organization_id):
        api_key = ApiKey.objects.get()
    assert api_key.expires_at == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)  # BST midnight


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"expiry": "date"}, "expires_on"),
        ({"expiry": "date", "expires_on": "2026-03-01"}, "expires_on"),
        ({"expiry": "date", "expires_on": "2026-03-02"}, "expires_on"),
        ({"expiry": "7"}, "expiry"),
        ({"allowed_networks": "203.0.113.0/24 intranet"}, "allowed_networks"),
        ({"allowed_networks": "x" * 2001}, "allowed_networks"),
    ],
)
def test_the_page_refuses_bad_limits_with_the_fields_message(
    client_for, owner, fields, error_field
):
    with time_machine.travel(NOON, tick=False):
        response = client_for(owner).post(
            reverse("accounts:api-keys"),
            {"name": "Bad", "scopes": ["read"], "acting_as": str(owner.public_id), **fields},
        )
    assert response.status_code == 400
    assert response.context["form"].errors[error_field]
    with organization_context(owner.organization_id):
        assert not ApiKey.objects.exists()


def test_the_list_shows_expired_keys_as_expired(client_for, owner):
    with time_machine.travel(NOON, tick=False) as clock:
        _issue(owner, expires_at=NOON + timedelta(days=1))
        clock.shift(timedelta(days=2))
        page = client_for(owner).get(reverse("accounts:api-keys")).content.decode()
    assert "Expired" in page
    assert "3 Mar 2026 12:00 UTC" in page


def test_another_organizations_admin_sees_no_allow_list_of_ours(client_for, owner, outsider):
    _issue(owner, allowed_networks=["192.0.2.128/25"])
    page = client_for(outsider).get(reverse("accounts:api-keys")).content.decode()
    assert "192.0.2.128/25" not in page
    assert "192.0.2.128/25" in client_for(owner).get(reverse("accounts:api-keys")).content.decode()


@pytest.mark.parametrize("role", ["hiring_manager", "hr", "recruiter"])
def test_only_admins_reach_the_key_page(request, client_for, role):
    member = request.getfixturevalue(role)
    assert client_for(member).get(reverse("accounts:api-keys")).status_code == 403
    response = client_for(member).post(
        reverse("accounts:api-keys"),
        {"name": "Mine", "scopes": ["read"], "expiry": "30", "allowed_networks": "0.0.0.0/0"},
    )
    assert response.status_code == 403


# --- Command ----------------------------------------------------------------------------


def test_create_api_key_command_sets_the_limits(capsys, owner):
    with time_machine.travel(NOON, tick=False):
        call_command(
            "create_api_key",
            "--org",
            owner.organization.slug,
            "--name",
            "ATS",
            "--expires-in-days",
            "30",
            "--allow",
            "203.0.113.0/24,2001:db8::/32",
        )
        key = capsys.readouterr().out.strip()
        body = _me(key, REMOTE_ADDR="203.0.113.5").json()
    assert body["api_key"]["expires_at"] == "2026-04-01T12:00:00Z"
    assert body["api_key"]["allowed_networks"] == ["203.0.113.0/24", "2001:db8::/32"]


def test_create_api_key_command_explains_a_bad_network(owner):
    with pytest.raises(CommandError, match="intranet"):
        call_command(
            "create_api_key", "--org", owner.organization.slug, "--name", "x", "--allow", "intranet"
        )
