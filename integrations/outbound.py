"""Requests to URLs that users give us (webhooks), guarded against server-side request
forgery: a destination must be http(s) on a public address.

A URL is checked when it is registered and again before every request, since
what a name resolves to can change. The check resolves the name and refuses it
if any address is loopback, private, link-local, reserved, multicast,
unspecified, a cloud metadata service, or otherwise not globally routable (IPv4,
IPv6, and IPv4 carried inside IPv6). The request then connects to the addresses
that check resolved and allowed, never to the name: the name is not looked up a
second time, so a name that answers differently a moment later (DNS rebinding)
reaches nothing new. The name still goes where it belongs, in the Host header, in
TLS's server name (SNI) and in the certificate's verification. The connection
checks the address it reached once more, and redirects are never followed and the
environment's proxies are ignored, so the checked address is the one spoken to.

`WEBHOOK_ALLOWED_PRIVATE_NETWORKS` lists networks allowed despite being private
(a receiver on the operator's own network, or a test's server on localhost).
"""

import functools
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

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
    # The resolver's order (its preference between IPv6 and IPv4), without duplicates.
    return list(dict.fromkeys(sockaddr[0] for *_, sockaddr in found))


def check_url(url: str) -> list[str]:
    """The addresses a URL's host resolves to, all allowed, in the order to try them;
    or DestinationRefused when the scheme or an address is not allowed.

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
    addresses = resolve(host, port or SCHEMES[parts.scheme])
    for address in addresses:
        reason = address_refusal(address)
        if reason is not None:
            where = f"{address} is" if host == address else f"{host} resolves to {address},"
            raise DestinationRefused(f"{where} {reason}: webhooks only go to public addresses.")
    return addresses


# --- The guarded connection ---------------------------------------------------------


class _PinnedConnection:
    """Connect to the checked addresses (`pinned`), never to what the host name
    resolves to now. `host` stays the name, for the Host header, the TLS server name
    and the certificate's verification; only the socket goes to the address.

    Each address is tried in turn, as a resolver's answers are, until one accepts;
    the peer the socket reached is checked again before anything is sent.
    """

    def __init__(self, *args, pinned: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pinned = pinned

    def _new_conn(self) -> socket.socket:
        failure: OSError | None = None
        for address in self.pinned:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as error:
                raise ConnectTimeoutError(
                    self, f"Connection to {self.host} ({address}) timed out."
                ) from error
            except OSError as error:
                failure = error
                continue
            peer = sock.getpeername()[0]
            reason = address_refusal(peer)
            if reason is not None:
                sock.close()
                raise NewConnectionError(self, f"Refused to connect to {peer}, {reason}.")
            return sock
        raise NewConnectionError(self, f"Failed to establish a new connection: {failure}")


class _PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    pass


class _PinnedPool:
    """A pool whose connections go to `pinned`, handed to each connection it makes."""

    def __init__(self, *args, pinned: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.conn_kw["pinned"] = pinned


class _PinnedHTTPConnectionPool(_PinnedPool, HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSConnectionPool(_PinnedPool, HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedAdapter(HTTPAdapter):
    """Requests' transport, for one checked URL: its pools connect to `pinned` only."""

    def __init__(self, pinned: list[str], **kwargs) -> None:
        self.pinned = tuple(pinned)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": functools.partial(_PinnedHTTPConnectionPool, pinned=self.pinned),
            "https": functools.partial(_PinnedHTTPSConnectionPool, pinned=self.pinned),
        }


def _session(pinned: list[str]) -> requests.Session:
    """A session for one request to a URL that `check_url` resolved to `pinned`."""
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    session.max_redirects = 0
    adapter = _PinnedAdapter(pinned, max_retries=0)
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
    addresses = check_url(url)
    with _session(addresses) as session:
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
