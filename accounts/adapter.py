"""allauth's account adapter, where sign-in differs from allauth's defaults.

Failed sign-ins are limited per (account, source address) and per source address
(`ACCOUNT_RATE_LIMITS["login_failed"]`), never per account alone: whoever knows a
member's e-mail address can slow down guesses from their own address, not lock the
member out of signing in from theirs.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from lib.client_ip import rate_limit_source


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """The key of the per-"key" login-failure limits, allauth's one source of it (the
        limit's count, its rollback on success and its reset after a password reset):
        the account, as allauth names it, and the address the attempt came from."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:from:{rate_limit_source(request)}"
