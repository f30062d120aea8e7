"""Sets the tenant context once per request; applies the organization's security policies."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts import security
from accounts.selectors import active_membership, memberships_for_user
from lib.tenancy import no_tenant_context, organization_context, user_context

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization_id"


class TenantMiddleware:
    """Resolve `request.membership` and `request.organization` and run the view in their context.

    `request.memberships` keeps all the user's memberships, read once to find the
    active one, for the organization switcher.

    The member is the signed-in user's, in their active organization. Anonymous
    requests run with no context at all, so every tenant query they could make is
    refused by the manager and returns nothing under row-level security. The
    contexts are reset when the response is done, so a worker thread never
    carries them into its next request.

    A middleware before this one may have decided already whom the request acts
    for (integrations' API keys set `request.membership`, None for a key that
    is no good): then the session is not consulted.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if hasattr(request, "membership"):
            return self.get_response(request)
        request.membership = None
        request.organization = None
        request.memberships = []
        with no_tenant_context():
            if not request.user.is_authenticated:
                return self.get_response(request)
            with user_context(request.user.pk):
                # Kept for the organization switcher, which lists them on every page.
                request.memberships = memberships_for_user(user=request.user)
                membership = active_membership(
                    memberships=request.memberships,
                    organization_id=request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY),
                )
                if membership is None:
                    return self.get_response(request)
                request.membership = membership
                request.organization = membership.organization
                active = str(membership.organization_id)
                # Written only on change: a modified session costs a write on every request.
                if request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY) != active:
                    request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = active
                with organization_context(membership.organization_id):
                    return self.get_response(request)


# What a member who must enrol in two-factor authentication may still open: the guide,
# allauth's steps (confirming the password first, the authenticator app, the recovery
# codes), signing out, and another of their organizations.
ENROLMENT_VIEWS = frozenset(
    {
        "accounts:mfa-required",
        "accounts:switch-organization",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
    }
)


class SecurityPolicyMiddleware:
    """The active organization's security policies, on every signed-in request.

    A session idle for longer than the organization's timeout is signed out and sent to
    sign in again. A member whom the organization's two-factor policy covers and who
    has no authenticator reaches no page but the enrolment's (`ENROLMENT_VIEWS`) until
    they have one. The API is left alone: API keys are not sessions, and its answers
    are not pages to be sent through enrolment. Runs after the tenant middleware, whose
    membership it reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(request, "api_key", None) is not None or not request.user.is_authenticated:
            return self.get_response(request)
        organization = getattr(request, "organization", None)
        if security.session_is_idle(request, organization):
            security.session_end_idle(request, organization)
            if request.path_info.startswith("/api/"):
                return self.get_response(request)  # now anonymous: the API answers 401/403
            messages.info(
                request,
                "You were signed out after "
                f"{organization.get_idle_timeout_minutes_display()} without activity. "
                "Sign in again to carry on.",
            )
            login = reverse("account_login")
            if request.method == "GET" and not request.htmx:
                login += "?" + urlencode({"next": request.get_full_path()})
            return _redirect(request, login)
        security.session_touch(request)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if getattr(request, "api_key", None) is not None or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name in ENROLMENT_VIEWS or match.route.startswith("api/"):
            return None
        if not security.mfa_required(request.membership) or security.has_authenticator(
            request.user
        ):
            return None
        url = reverse("accounts:mfa-required")
        if request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        return _redirect(request, url)


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect, which htmx follows with the whole page rather than into a fragment."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
