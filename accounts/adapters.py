"""allauth's hooks, where an organization's security policies reach allauth's own pages."""

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.core.exceptions import ValidationError

from accounts import security


class MFAAdapter(DefaultMFAAdapter):
    """The last authenticator stays while an organization of its user requires one."""

    def can_delete_authenticator(self, authenticator) -> bool:
        self._refusal = security.authenticator_removal_refused(authenticator.user)
        return self._refusal is None

    def validation_error(self, code, *args) -> ValidationError:
        if code == "cannot_delete_authenticator" and getattr(self, "_refusal", None):
            return ValidationError(self._refusal, code=code)
        return super().validation_error(code, *args)


class UserSessionsAdapter(DefaultUserSessionsAdapter):
    """A person's "Sign out other sessions" ends them through accounts.security."""

    def end_sessions(self, sessions) -> None:
        request = context.request
        security.sessions_end(
            sessions,
            actor=request.user if request.user.is_authenticated else None,
            organization=getattr(request, "organization", None),
            reason="signed out by the user",
        )
