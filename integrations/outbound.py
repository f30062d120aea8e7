"""Requests to URLs that users give us (webhooks), guarded against server-side request
forgery: a destination must be http(s) on a public address.

A URL is checked when it is registered and again before every request, since
what a name resolves to can change. The check resolves the name and refuses it
if any address is loopback, private, link-local, reserved, multicast,
unspecified, a cloud metadata service, or otherwise not globally routable (IPv4,
IPv6, and IPv4 carried inside IPv6). The connection then checks the address it
actually reached, so a name that resolves differently a moment later (DNS
rebinding) is refused too. Redirects are never followed and the environment's
proxies are ignored, so the checked address is the one spoken to.

`WEBHOOK_ALLOWED_PRIVATE_NETWORKS` lists networks allowed despite being private
(a receiver on the operator's own network, or a test's server on localhost).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = {"http": 80, "https": 443}
# Instance metadata services hand out cloud credentials. All of them are also
# non-public addresses; they are named so that allowing a private network never
# reaches them.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, Azure, Google Cloud, DigitalOcean, OpenStack, Oracle
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.169.253",  # AWS VPC DNS
        "100.100.100.200",  # Alibaba Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
EXCERPT_BYTES = 1024
USER_AGENT = "Rapport-Webhooks/1.0"


class DestinationRefused(Exception):
    """The URL may not be requested; the message says why and is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, NAT64), which is where it goes."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in settings.WEBHOOK_ALLOWED_PRIVATE_NETWORKS
    ]


def address_refusal(address: Address | str) -> str | None:
    """Why requests may not go to `address`, or None when they may."""
    address = ipaddress.ip_address(str(address).split("%", 1)[0])  # drop an IPv6 zone
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_refusal(embedded)
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if any(address in network for network in _allowed_networks()):
        return None
    for refused, reason in (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    ):
        if refused:
            return reason
    return None


def resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise DestinationRefused(f"The host name {host} does not resolve.") from error
    return sorted({sockaddr[0] for *_, sockaddr in found})


def check_url(url: str) -> None:
    """Refuse (DestinationRefused) a URL whose scheme or addresses are not allowed.

    Every address the name resolves to must be allowed: a name with one public
    and one private address could be connected to either.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DestinationRefused("The URL is not valid.") from error
    if parts.scheme not in SCHEMES:
        raise DestinationRefused("Only http and https URLs can receive webhooks.")
    host = parts.hostname
    if not host:
        raise DestinationRefused("The URL has no host.")
    for address in resolve(host, port or SCHEMES[parts.scheme]):
        reason = address_refusal(address)
        if reason is not None:
            where = f"{address} is" if host == address else f"{host} resolves to {address},"
            raise DestinationRefused(f"{where} {reason}: webhooks only go to public addresses.")


# --- The guarded connection ---------------------------------------------------------


class _PeerCheck:
    """Check the address the socket actually connected to, after DNS had its say."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        reason = address_refusal(peer)
        if reason is not None:
            sock.close()
            raise NewConnectionError(self, f"Refused to connect to {peer}, {reason}.")
        return sock


class _GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _GuardedHTTPConnectionPool,
            "https": _GuardedHTTPSConnectionPool,
        }


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    session.max_redirects = 0
    adapter = _GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class Response:
    status_code: int
    excerpt: str


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Response:
    """POST `body` to a checked URL; the answer's status and its first kilobyte.

    Raises DestinationRefused, or requests.RequestException when the request
    fails (refused connection, timeout, TLS error).
    """
    check_url(url)
    with _session() as session:
        response = session.post(
            url,
            data=body,
            headers={"User-Agent": USER_AGENT, **headers},
            timeout=timeout,
            allow_redirects=False,
            stream=True,  # read only the excerpt, however much the receiver sends
        )
        with response:
            excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True) or b""
    # PostgreSQL text cannot hold NUL, which a receiver may well send.
    text = excerpt.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    return Response(response.status_code, text)
