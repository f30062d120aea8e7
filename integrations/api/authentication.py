"""`Authorization: Api-Key <key>`: the API key middleware resolves the key, DRF reports it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

API_KEY_SCHEME = "Api-Key"


def presented_api_key(request) -> str | None:
    """The key in the Authorization header, or None when another scheme (or none) is used."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != API_KEY_SCHEME.lower():
        return None
    return credentials.strip()


class ApiKeyAuthentication(BaseAuthentication):
    """The key was looked up once, by `integrations.middleware.ApiKeyMiddleware`, which
    also set the organization context; here it only becomes `request.auth`."""

    def authenticate(self, request):
        api_key = getattr(request._request, "api_key", None)
        if api_key is not None:
            return api_key.membership.user, api_key
        if presented_api_key(request) is not None:
            raise AuthenticationFailed("Unknown or revoked API key.")
        return None

    def authenticate_header(self, request) -> str:
        return f'{API_KEY_SCHEME} realm="api"'


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An organization's API key, as `Api-Key <key>`. Admins create keys under "
                "Settings → API keys; read keys may only use GET."
            ),
        }
