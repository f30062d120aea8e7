"""allauth's hooks: where sign-in differs from allauth's defaults, and where an
organization's security policies reach allauth's own pages.

Failed sign-ins are limited per (account, source address) and per source address
(`ACCOUNT_RATE_LIMITS["login_failed"]`), never per account alone: whoever knows a
member's e-mail address can slow down guesses from their own address, not lock the
member out of signing in from theirs.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.usersessions.adapter import DefaultUserSessionsAdapter
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts import security
from lib.client_ip import rate_limit_source


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of the per-"key" login-failure limits, allauth's one source of it (the
        limit's count, its rollback on success and its reset after a password reset):
        the account, as allauth names it, and the address the attempt came from."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:from:{rate_limit_source(request)}"


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
