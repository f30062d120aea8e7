"""API keys: issued by owners and admins, each acting as one member; only a hash is kept."""

import hmac
import secrets
from datetime import timedelta

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


def _require_admin(actor: Membership) -> None:
    require(actor, Action.MANAGE_ORGANIZATION)


def api_key_create(
    *,
    actor: Membership,
    name: str,
    scopes: list[str],
    acting_as: Membership | None = None,
) -> tuple[ApiKey, str]:
    """Issue a key and return it with its secret, which is shown once and never stored.

    The key acts as `acting_as` (the creating admin by default): a hiring
    manager's key sees only that hiring manager's client.
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
        )
        record_security_event(
            actor.organization_id,
            SecurityEventKind.API_KEY_CREATED,
            actor=actor,
            target=f"{name} ({prefix}…)",
            details={"scopes": api_key.scopes, "acting_as": acting_as.user.email},
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


def api_key_authenticate(*, key: str) -> ApiKey | None:
    """The active key `key` is, with the member it acts as, or None.

    Called with no tenant context (the key says which organization): one statement
    finds the key with its member (`ApiKey.by_prefix.get_with_member`); the
    last-used time is written at most once a minute per key.
    """
    tag, _, rest = key.partition("_")
    prefix, _, _secret = rest.partition("_")
    if tag != API_KEY_TAG or not prefix:
        return None
    api_key = ApiKey.by_prefix.get_with_member(prefix)
    if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_token(key)):
        return None
    if api_key.revoked_at is not None:
        _record_revoked_key_used(api_key)
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        with organization_context(api_key.organization_id):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key


# A revoked key still in use is worth one line a minute in the security log, not one per
# request: a forgotten cron job would otherwise fill it (and lock it) as fast as it calls.
REFUSED_KEY_RECORD_INTERVAL = 60


def _record_revoked_key_used(api_key: ApiKey) -> None:
    """Record that the revoked `api_key` (its secret checked) was presented, at most
    once a minute per key (the cache remembers the last time)."""
    if not cache.add(f"security:refused-key:{api_key.prefix}", 1, REFUSED_KEY_RECORD_INTERVAL):
        return
    record_security_event(
        api_key.organization_id,
        SecurityEventKind.API_KEY_REFUSED,
        api_key_prefix=api_key.prefix,
        target=str(api_key),
        details={"revoked_at": api_key.revoked_at.isoformat()},
    )
