"""The client's address: one answer for sign-in's rate limits and the API keys' allow-lists.

allauth decides it (`get_client_ip` of the account adapter), from the connection
(REMOTE_ADDR) unless the operator trusts proxies: `TRUSTED_PROXY_COUNT` entries from
the right of X-Forwarded-For, or `TRUSTED_CLIENT_IP_HEADER` (config/settings/base.py).
Everything else in the project asks here, so a header is believed in one place only.
"""

from allauth.account.adapter import get_adapter
from allauth.core.internal.ratelimit import truncate_ip
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as allauth reads it, or None when it cannot be told (an
    X-Forwarded-For shorter than the proxies trusted, a header that is not an address):
    a caller that needs an address refuses the request rather than guessing."""
    try:
        return get_adapter(request).get_client_ip(request)
    except (ImproperlyConfigured, PermissionDenied):
        return None


def rate_limit_source(request: HttpRequest) -> str:
    """The address a rate limit counts, as allauth's per-address limits count it: an
    IPv6 client by its network (ALLAUTH_RATE_LIMIT_IPV6_PREFIX, a /64), since one
    subscriber holds a whole /64 and could otherwise change address at every attempt."""
    address = client_ip(request)
    return truncate_ip(address) if address else "unknown"
