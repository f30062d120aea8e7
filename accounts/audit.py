"""The security log: `record_security_event`, the one way to write it, and its hash chain.

Every layer that does something a security reviewer asks about (sign-ins, roles,
API keys, webhooks, exports, erasures) calls `record_security_event`. Each
organization's rows form a chain: a row's `hash` is the SHA-256 of its canonical
serialization, which includes the previous row's hash (`prev_hash`), and rows are
numbered 1, 2, 3… by `sequence`. Writers of one organization take a transaction-level
advisory lock first, so two requests never both append after the same row; the
unique (organization, sequence) constraint would refuse the second anyway.

`verify_chain` recomputes an organization's chain and names the first row that does
not match (`manage.py verify_audit_log`); `security_logs_check`, run daily by beat,
logs an error for each broken chain, for the operator's alert.

The request's address and browser are read from the request when one is given, or
else from the request being served (`SecurityRequestMiddleware` keeps it for the
block), so services called from a page need not pass it down.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC

import structlog
from allauth.account.adapter import get_adapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.models import (
    SECURITY_EVENT_IP_LENGTH,
    SECURITY_EVENT_TARGET_LENGTH,
    SECURITY_EVENT_USER_AGENT_LENGTH,
    Membership,
    Organization,
    SecurityEvent,
    SecurityEventKind,
    User,
)
from accounts.selectors import all_organization_ids
from lib.tenancy import no_tenant_context, organization_context, user_context

GENESIS_HASH = "0" * 64
# The first key of the two-key advisory lock: "the security log", the second the
# organization's. Other advisory locks of the project use other first keys.
ADVISORY_LOCK_CLASS = 0x5EC106
MAX_DETAILS_LENGTH = 2000

_request: ContextVar[HttpRequest | None] = ContextVar("security_request", default=None)

logger = structlog.get_logger("rapport.security")


class SecurityRequestMiddleware:
    """Keeps the request being served for `record_security_event` (its address and
    browser), and forgets it when the response is done."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


@contextmanager
def request_for_security_log(request: HttpRequest | None) -> Iterator[None]:
    """Run a block as if serving `request` (a test, or work done for a request later)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as allauth's rate limits count it: the connection's, or
    what the trusted proxies said (ALLAUTH_TRUSTED_PROXY_COUNT, …_CLIENT_IP_HEADER)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured, ValueError):
        return None


def _details(details: dict | None) -> dict:
    """A small flat mapping of text keys to text, numbers, booleans or lists of text."""
    details = dict(details or {})
    for key, value in details.items():
        if not isinstance(key, str):
            raise TypeError("A security event's details have text keys.")
        scalar = value is None or isinstance(value, str | int | bool)
        listed = isinstance(value, list) and all(isinstance(item, str) for item in value)
        if not (scalar or listed):
            raise TypeError(f"Detail {key!r}: text, a whole number, a boolean or a list of text.")
    if len(_canonical(details)) > MAX_DETAILS_LENGTH:
        raise ValueError(f"A security event's details are at most {MAX_DETAILS_LENGTH} characters.")
    return details


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(event: SecurityEvent) -> str:
    """SHA-256 of the row's canonical serialization: every recorded field, the previous
    row's hash among them, as sorted compact JSON (times in UTC to the microsecond)."""
    fields = {
        "organization": str(event.organization_id),
        "sequence": event.sequence,
        "id": str(event.public_id),
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "kind": event.kind,
        "actor": event.actor_id,
        "actor_email": event.actor_email,
        "actor_api_key_prefix": event.actor_api_key_prefix,
        "target": event.target,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(_canonical(fields).encode()).hexdigest()


def record_security_event(
    organization: Organization | str,
    kind: str,
    *,
    actor: User | Membership | None = None,
    api_key_prefix: str = "",
    request: HttpRequest | None = None,
    target: str = "",
    details: dict | None = None,
) -> SecurityEvent:
    """Append one event to `organization`'s security log and return it.

    `kind` is one of `SecurityEventKind`; `actor` the user (or member) who acted, None
    for the system or an anonymous caller; `api_key_prefix` the key a request used;
    `target` says what was affected ("ana@example.com", "key 3f9a…"), cut to 200
    characters; `details` a small flat mapping (at most 2,000 characters as JSON).
    The address and browser come from `request`, else from the request being served.

    Runs in the caller's transaction (or its own): if the change it records rolls
    back, so does the event. Inserts of one organization wait for each other until
    the transaction ends, so keep that transaction short.
    """
    if kind not in SecurityEventKind.values:
        raise ValueError(f"{kind!r} is not a declared security event kind.")
    organization_id = getattr(organization, "pk", organization)
    user = actor.user if isinstance(actor, Membership) else actor
    request = request if request is not None else _request.get()
    event = SecurityEvent(
        organization_id=organization_id,
        kind=kind,
        actor_id=user.pk if user is not None else None,
        actor_email=user.email if user is not None else "",
        actor_api_key_prefix=api_key_prefix or _request_key_prefix(request),
        target=str(target)[:SECURITY_EVENT_TARGET_LENGTH],
        ip_address=(client_ip(request) or "")[:SECURITY_EVENT_IP_LENGTH] if request else "",
        user_agent=(
            request.headers.get("User-Agent", "")[:SECURITY_EVENT_USER_AGENT_LENGTH]
            if request is not None
            else ""
        ),
        details=_details(details),
    )
    with organization_context(organization_id), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                [ADVISORY_LOCK_CLASS, str(organization_id)],
            )
        last = SecurityEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        # Read under the lock, so that the log's order by time is its order by sequence.
        event.occurred_at = timezone.now()
        event.sequence = last["sequence"] + 1 if last else 1
        event.prev_hash = last["hash"] if last else GENESIS_HASH
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event


def _request_key_prefix(request: HttpRequest | None) -> str:
    api_key = getattr(request, "api_key", None) if request is not None else None
    return getattr(api_key, "prefix", "") or ""


def record_for_user(user: User, kind: str, **fields) -> int:
    """Record `kind` in every organization `user` belongs to (a sign-in, a password
    change: things of the person, not of one organization); how many were written."""
    with no_tenant_context(), user_context(user.pk):
        organization_ids = list(Membership.own.values_list("organization_id", flat=True))
    for organization_id in organization_ids:
        record_security_event(organization_id, kind, actor=user, **fields)
    return len(organization_ids)


# --- Verification ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    public_id: str
    reason: str


VERIFY_CHUNK = 2000


def verify_chain(organization_id) -> tuple[int, ChainBreak | None]:
    """Recompute the organization's chain from its first row: how many rows were read,
    and the first that does not follow from the one before it (None if all do)."""
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    with organization_context(organization_id):
        rows = SecurityEvent.objects.order_by("sequence").iterator(chunk_size=VERIFY_CHUNK)
        for event in rows:
            broken = None
            if event.sequence != expected_sequence:
                broken = f"sequence {event.sequence} where {expected_sequence} was expected"
            elif event.prev_hash != previous_hash:
                broken = "its prev_hash is not the previous row's hash"
            elif event_hash(event) != event.hash:
                broken = "its contents do not match its hash"
            if broken is not None:
                return expected_sequence - 1, ChainBreak(
                    event.sequence, str(event.public_id), broken
                )
            previous_hash = event.hash
            expected_sequence += 1
    return expected_sequence - 1, None


def security_logs_check() -> int:
    """Verify every organization's chain; each broken one is logged as an error
    (`security_log_chain_broken`, docs/operations.md says to alert on it). Returns
    how many are broken."""
    organization_ids = all_organization_ids()
    broken = 0
    for organization_id in organization_ids:
        checked, chain_break = verify_chain(organization_id)
        if chain_break is None:
            continue
        broken += 1
        logger.error(
            "security_log_chain_broken",
            organization_id=organization_id,
            sequence=chain_break.sequence,
            event_id=chain_break.public_id,
            reason=chain_break.reason,
            intact_before=checked,
        )
    logger.info("security_log_chains_verified", organizations=len(organization_ids), broken=broken)
    return broken
