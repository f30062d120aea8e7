"""The project's error vocabulary: services raise these, views and the API render them."""


class ApplicationError(Exception):
    """A business rule refused the request; `message` is safe to show to the user."""

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    """The user is known to the organization but their role may not do this."""


class OtherOrganization(PermissionDenied):
    """A service was handed an object of another organization than the actor's."""


class TenantContextMissing(RuntimeError):
    """Tenant data was queried with no organization active: a programming error."""
