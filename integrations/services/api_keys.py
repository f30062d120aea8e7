"""API keys: issued by owners and admins, each acting as one member; only a hash is kept.

A key may expire (a time chosen at creation) and may be bound to networks (an
allow-list of addresses and CIDR networks): `api_key_authenticate` refuses it then
with `ApiKeyRefused`, which the middleware answers as a problem (401 expired,
403 from elsewhere).
"""

import hmac
import ipaddress
import secrets
from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record_security_event
from accounts.models import Membership, SecurityEventKind, hash_token
from accounts.permissions import Action, require
from integrations.models import ApiKey, ApiKeyScope
from lib.tenancy import organization_context, require_same_organization

API_KEY_TAG = "rk"  # so a leaked key is recognisable by secret scanners
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_ALLOWED_NETWORKS = 20  # docs/limits.md


class ApiKeyRefused(Exception):
    """A key that exists and matches, refused all the same; `status`, `code` and
    `detail` are the API's answer (docs/api.md, "Errors")."""

    def __init__(self, *, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def parse_allowed_networks(entries: list[str]) -> list[str]:
    """Addresses and CIDR networks, IPv4 or IPv6, as a normalized list without
    duplicates (an address becomes its /32 or /128; host bits are refused, so
    `10.0.0.1/24` is not silently read as `10.0.0.0/24`). Raises ValidationError
    naming each bad entry, or the limit on their number."""
    networks, bad = [], []
    for entry in (entry.strip() for entry in entries):
        if not entry:
            continue
        try:
            network = ipaddress.ip_network(entry, strict=True)
        except ValueError:
            bad.append(entry[:50])
            continue
        if str(network) not in networks:
            networks.append(str(network))
    if bad:
        raise ValidationError(
            "Not an address or a network (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/32): "
            + ", ".join(bad[:5])
            + ("…" if len(bad) > 5 else "")
        )
    if len(networks) > MAX_ALLOWED_NETWORKS:
        raise ValidationError(
            f"At most {MAX_ALLOWED_NETWORKS} addresses or networks; list a wider network "
            "instead of many addresses."
        )
    return networks


def _require_admin(actor: Membership) -> None:
    require(actor, Action.MANAGE_ORGANIZATION)


def api_key_create(
    *,
    actor: Membership,
    name: str,
    scopes: list[str],
    acting_as: Membership | None = None,
    expires_at: datetime | None = None,
    allowed_networks: list[str] | tuple[str, ...] = (),
) -> tuple[ApiKey, str]:
    """Issue a key and return it with its secret, which is shown once and never stored.

    The key acts as `acting_as` (the creating admin by default): a hiring
    manager's key sees only that hiring manager's client. It works until
    `expires_at` (a future time; None: until revoked), from the `allowed_networks`
    only (empty: from anywhere).
    """
    _require_admin(actor)
    acting_as = acting_as or actor
    require_same_organization(actor, acting_as)
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = "Name the key after the integration that will use it."
    unknown = set(scopes) - set(ApiKeyScope.values)
    if not scopes or unknown:
        errors["scopes"] = "Choose read, write or both."
    elif ApiKeyScope.ADMIN in scopes and not acting_as.is_admin:
        errors["scopes"] = "Only a key acting as an owner or admin can have the admin scope."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = "Choose a time in the future, or no expiry."
    try:
        networks = parse_allowed_networks(list(allowed_networks))
    except ValidationError as error:
        errors["allowed_networks"] = error.messages
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            organization_id=actor.organization_id,
            name=name,
            prefix=prefix,
            key_hash=hash_token(key),
            scopes=sorted(set(scopes)),
            membership=acting_as,
            created_by=actor,
            expires_at=expires_at,
            allowed_networks=networks,
        )
        record_security_event(
            actor.organization_id,
            SecurityEventKind.API_KEY_CREATED,
            actor=actor,
            target=f"{name} ({prefix}…)",
            details={
                "scopes": api_key.scopes,
                "acting_as": acting_as.user.email,
                "expires_at": expires_at.isoformat() if expires_at else "",
                "allowed_networks": ", ".join(networks),
            },
        )
    return api_key, key


def api_key_revoke(*, actor: Membership, api_key: ApiKey) -> ApiKey:
    _require_admin(actor)
    require_same_organization(actor, api_key)
    if api_key.revoked_at is None:
        with transaction.atomic():
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at", "updated_at"])
            record_security_event(
                actor.organization_id,
                SecurityEventKind.API_KEY_REVOKED,
                actor=actor,
                target=str(api_key),
            )
    return api_key


def api_key_authenticate(*, key: str, client_address: str | None = None) -> ApiKey | None:
    """The active key `key` is, with the member it acts as, or None for no such key.

    Called with no tenant context (the key says which organization): one statement
    finds the key with its member (`ApiKey.by_prefix.get_with_member`); the
    last-used time is written at most once a minute per key. A genuine key that has
    expired, or is presented from outside its allow-list (`client_address`, from
    `lib.client_ip`; None is outside every list), raises `ApiKeyRefused` and is not
    marked used.
    """
    tag, _, rest = key.partition("_")
    prefix, _, _secret = rest.partition("_")
    if tag != API_KEY_TAG or not prefix:
        return None
    api_key = ApiKey.by_prefix.get_with_member(prefix)
    if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_token(key)):
        return None
    if api_key.revoked_at is not None:
        _record_refused_key_used(api_key, revoked_at=api_key.revoked_at.isoformat())
        return None
    now = timezone.now()
    if api_key.has_expired(now):
        _record_refused_key_used(api_key, expired_at=api_key.expires_at.isoformat())
        raise ApiKeyRefused(
            status=401,
            code="api_key_expired",
            detail=(
                f"This API key expired at {api_key.expires_at.isoformat()}; "
                "an admin can create a new one under Settings → API keys."
            ),
        )
    if not api_key.admits(client_address):
        _record_refused_key_used(api_key, address=client_address or "unknown")
        raise ApiKeyRefused(
            status=403,
            code="api_key_address_not_allowed",
            detail=(
                f"This API key may not be used from {client_address or 'an unknown address'}; "
                "it is limited to the addresses its admin listed."
            ),
        )
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        with organization_context(api_key.organization_id):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


# A revoked key still in use is worth one line a minute in the security log, not one per
# request: a forgotten cron job would otherwise fill it (and lock it) as fast as it calls.
REFUSED_KEY_RECORD_INTERVAL = 60


def _record_refused_key_used(api_key: ApiKey, **why: str) -> None:
    """Record that `api_key` (its secret checked) was presented and refused, revoked,
    expired or from an address it does not admit (`why`), at most once a minute per
    key (the cache remembers the last time)."""
    if not cache.add(f"security:refused-key:{api_key.prefix}", 1, REFUSED_KEY_RECORD_INTERVAL):
        return
    record_security_event(
        api_key.organization_id,
        SecurityEventKind.API_KEY_REFUSED,
        api_key_prefix=api_key.prefix,
        target=str(api_key),
        details=why,
    )
