"""API keys: issued by owners and admins, each acting as one member; only a hash is kept."""

import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Membership, hash_token
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
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_TAG}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        organization_id=actor.organization_id,
        name=name,
        prefix=prefix,
        key_hash=hash_token(key),
        scopes=sorted(set(scopes)),
        membership=acting_as,
        created_by=actor,
    )
    return api_key, key


def api_key_revoke(*, actor: Membership, api_key: ApiKey) -> ApiKey:
    _require_admin(actor)
    require_same_organization(actor, api_key)
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
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
    if (
        api_key is None
        or api_key.revoked_at is not None
        or not hmac.compare_digest(api_key.key_hash, hash_token(key))
    ):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_PRECISION:
        with organization_context(api_key.organization_id):
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
