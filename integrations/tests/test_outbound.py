"""Server-side request forgery: webhook URLs must be http(s) on public addresses, checked
at registration, before every attempt, and on the socket actually connected; an
attempt connects to the addresses it checked, not to a later answer for the name."""

import socket
from urllib.parse import urlsplit

import pytest
import requests
import requests.adapters
from django.core.exceptions import ValidationError

from integrations import outbound
from integrations.models import WebhookDelivery, WebhookDeliveryStatus
from integrations.services import webhooks
from lib.tenancy import organization_context
from tests.factories import WebhookEndpointFactory
from tests.tls_certificates import authority_for
from tests.webhook_events import submit
from tests.webhook_receiver import receiving


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.0.9", "a loopback address"),
        ("10.1.2.3", "a private address"),
        ("172.16.0.1", "a private address"),
        ("192.168.1.20", "a private address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("169.254.10.1", "a link-local address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("0.0.0.0", "an unspecified address"),  # noqa: S104 - the address under test
        ("224.0.0.251", "a multicast address"),
        ("240.0.0.1", "a private address"),  # reserved, which Python counts as private
        ("255.255.255.255", "a private address"),
        ("192.0.2.10", "a private address"),  # documentation
        ("198.18.0.1", "a private address"),  # benchmarking
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fe80::1%eth0", "a link-local address"),
        ("fc00::1", "a private address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("ff02::1", "a multicast address"),
        ("::ffff:10.0.0.1", "a private address"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("2002:a00:1::1", "a private address"),  # 6to4 of 10.0.0.1
        ("64:ff9b::7f00:1", "a loopback address"),  # NAT64 of 127.0.0.1
        ("2001:db8::1", "a private address"),  # documentation
    ],
)
def test_non_public_addresses_are_refused(address, reason):
    assert outbound.address_refusal(address) == reason


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address):
    assert outbound.address_refusal(address) is None


def test_allowed_private_networks_open_a_private_range_but_never_the_metadata_service(settings):
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["10.20.0.0/16", "169.254.0.0/16"]

    assert outbound.address_refusal("10.20.3.4") is None
    assert outbound.address_refusal("10.21.3.4") == "a private address"
    assert outbound.address_refusal("169.254.169.254") == "a cloud metadata address"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://localhost:8000/hooks", "localhost resolves to 127.0.0.1, a loopback address"),
        ("http://127.1/hooks", "127.1 resolves to 127.0.0.1, a loopback address"),
        ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback address"),
        ("http://0x7f000001/", "0x7f000001 resolves to 127.0.0.1, a loopback address"),
        ("https://[::1]/hooks", "::1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata"),
        ("ftp://93.184.215.14/", "Only http and https URLs can receive webhooks."),
        ("gopher://93.184.215.14/", "Only http and https URLs can receive webhooks."),
        ("http://93.184.215.14:99999/", "The URL is not valid."),
        ("http://no-such-host.invalid/", "The host name no-such-host.invalid does not resolve."),
    ],
)
def test_urls_to_refused_destinations_are_refused_with_the_reason(url, message):
    with pytest.raises(outbound.DestinationRefused) as refused:
        outbound.check_url(url)
    assert message in refused.value.message


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    resolve_to(monkeypatch, "mixed.partner.test", ["93.184.215.14", "10.0.0.7"])

    with pytest.raises(outbound.DestinationRefused, match=r"10\.0\.0\.7, a private address"):
        outbound.check_url("https://mixed.partner.test/hooks")


def test_the_connection_itself_refuses_a_private_peer():
    """Were a session handed an address that was never checked, the socket's own peer
    address is checked before anything is sent."""
    with (
        receiving([200]) as receiver,
        outbound._session(["127.0.0.1"]) as session,
        pytest.raises(requests.ConnectionError, match=r"Refused to connect to 127\.0\.0\.1"),
    ):
        session.post(receiver.url, data=b"{}", timeout=5)
    assert receiver.requests == []


# --- DNS rebinding: the request goes to the address that was checked ---------------------


def rebinding(monkeypatch, host: str, answers: list[str]) -> list[str]:
    """DNS for `host` answering each look-up with the next of `answers` (the last one
    from then on), as a name that rebinds between the check and the connection does.
    The returned list records the answers given."""
    real = socket.getaddrinfo
    given: list[str] = []

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        address = answers[min(len(given), len(answers) - 1)]
        given.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return given


@pytest.fixture
def receiver_allowed(settings):
    """The local receiver's one address is allowed; every other private one is not."""
    settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]


def _port(url: str) -> int:
    return urlsplit(url).port


@pytest.mark.usefixtures("receiver_allowed")
def test_a_name_that_rebinds_after_the_check_is_still_sent_to_the_checked_address(monkeypatch):
    with receiving([204]) as receiver:
        port = _port(receiver.url)
        given = rebinding(monkeypatch, "hooks.partner.test", ["127.0.0.1", "169.254.169.254"])

        answer = outbound.post(
            f"http://hooks.partner.test:{port}/hooks/rapport",
            body=b"{}",
            headers={"Content-Type": "application/json"},
            timeout=5,
        )

    assert answer.status_code == 204
    assert given == ["127.0.0.1"]  # looked up once, by the check; the connection used it
    (received,) = receiver.requests
    assert received.headers["host"] == f"hooks.partner.test:{port}"


@pytest.mark.usefixtures("receiver_allowed")
def test_a_checked_name_reaches_nothing_its_next_answer_names(monkeypatch):
    """The other way round: the check sees an address that is refused, whatever the
    name would answer for the connection."""
    with receiving([204]) as receiver:
        port = _port(receiver.url)
        rebinding(monkeypatch, "hooks.partner.test", ["10.0.0.5", "127.0.0.1"])

        with pytest.raises(outbound.DestinationRefused, match=r"10\.0\.0\.5, a private address"):
            outbound.post(
                f"http://hooks.partner.test:{port}/hooks/rapport", body=b"{}", headers={}, timeout=5
            )

    assert receiver.requests == []


@pytest.mark.usefixtures("receiver_allowed")
def test_https_to_a_pinned_address_still_verifies_the_certificate_for_the_name(
    monkeypatch, tmp_path
):
    authority = authority_for("hooks.partner.test", tmp_path)
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(authority.ca_file))
    with receiving([200], tls=authority.server_context) as receiver:
        port = _port(receiver.url)
        given = rebinding(monkeypatch, "hooks.partner.test", ["127.0.0.1", "169.254.169.254"])

        answer = outbound.post(
            f"https://hooks.partner.test:{port}/hooks/rapport", body=b"{}", headers={}, timeout=5
        )

    assert answer.status_code == 200
    assert given == ["127.0.0.1"]
    assert receiver.requests[0].headers["host"] == f"hooks.partner.test:{port}"


@pytest.mark.usefixtures("receiver_allowed")
def test_https_refuses_a_certificate_for_another_name_at_the_same_address(monkeypatch, tmp_path):
    """The name, not the address, is what the certificate must match (and what SNI
    names): the same server reached as another name is refused."""
    authority = authority_for("hooks.partner.test", tmp_path)
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(authority.ca_file))
    with receiving([200], tls=authority.server_context) as receiver:
        port = _port(receiver.url)
        rebinding(monkeypatch, "impostor.partner.test", ["127.0.0.1"])

        with pytest.raises(requests.exceptions.SSLError, match=r"impostor\.partner\.test"):
            outbound.post(
                f"https://impostor.partner.test:{port}/hooks/rapport",
                body=b"{}",
                headers={},
                timeout=5,
            )

    assert receiver.requests == []


def test_a_private_url_is_refused_at_registration(organization, admin):
    with organization_context(organization.id), pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_create(
            actor=admin, url="http://10.0.0.5/hooks", event_types=["submission.created"]
        )
    assert "a private address" in refused.value.message_dict["url"][0]


def test_a_new_private_url_is_refused_when_an_endpoint_changes(organization, admin):
    endpoint = WebhookEndpointFactory(organization=organization)
    with organization_context(organization.id), pytest.raises(ValidationError) as refused:
        webhooks.webhook_endpoint_update(
            actor=admin, endpoint=endpoint, url="http://[fd00:ec2::254]/"
        )
    assert "cloud metadata" in refused.value.message_dict["url"][0]


def test_delivery_checks_the_address_again_when_dns_changed_since_registration(
    organization, admin, recruiter, monkeypatch
):
    resolve_to(monkeypatch, "hooks.partner.test", ["93.184.215.14"])
    with organization_context(organization.id):
        webhooks.webhook_endpoint_create(
            actor=admin,
            url="https://hooks.partner.test/rapport",
            event_types=["submission.created"],
        )
        resolve_to(monkeypatch, "hooks.partner.test", ["10.0.0.5"])  # now it points inside
        submit(recruiter)
        delivery = WebhookDelivery.objects.get()
        made = webhooks.webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()

    assert not made.succeeded
    assert made.status_code is None
    assert made.error == (
        "hooks.partner.test resolves to 10.0.0.5, a private address: "
        "webhooks only go to public addresses."
    )
    assert delivery.status == WebhookDeliveryStatus.PENDING  # retried: DNS may change back


def test_delivery_refuses_an_endpoint_stored_with_a_private_address(organization, recruiter):
    """An endpoint saved before the rules tightened: nothing is sent to it."""
    with receiving([200]) as receiver:
        WebhookEndpointFactory(organization=organization, url=receiver.url)
        with organization_context(organization.id):
            submit(recruiter)
            made = webhooks.webhook_delivery_attempt(delivery_id=WebhookDelivery.objects.get().pk)

    assert receiver.requests == []
    assert "127.0.0.1 is a loopback address" in made.error


def resolve_to(monkeypatch, host: str, addresses: list[str]) -> None:
    """The one stand-in in these tests: DNS, answering `host` with `addresses`."""
    real = socket.getaddrinfo

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))
            for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
