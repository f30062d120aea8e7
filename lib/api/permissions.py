from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsOrganizationMember(BasePermission):
    """The request acts for a member of an organization (set by the tenant middleware)."""

    message = "This account is not a member of any organization."

    def has_permission(self, request, view) -> bool:
        return getattr(request, "membership", None) is not None


class KeyScopeAllows(BasePermission):
    """An API key's scopes: reading needs `read` (or `write`), changing anything `write`."""

    message = "This API key is read-only; writing needs a key with the write scope."

    def has_permission(self, request, view) -> bool:
        api_key = request.auth if hasattr(request.auth, "allows") else None
        return api_key is None or api_key.allows(write=request.method not in SAFE_METHODS)
