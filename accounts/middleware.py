"""Sets the tenant context once per request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
