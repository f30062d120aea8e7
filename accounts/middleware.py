"""Sets the tenant context once per request, and makes API POSTs idempotent."""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from accounts.api.authentication import presented_api_key
from accounts.selectors import active_membership_for_user, idempotency_record_get
from accounts.services import api_key_authenticate, idempotency_record
from lib.api.exceptions import problem_response
from lib.tenancy import no_tenant_context, organization_context, user_context

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization_id"
API_PREFIX = "/api/"


class TenantMiddleware:
    """Resolve `request.membership` and `request.organization` and run the view in their context.

    The member comes from an API key (`Authorization: Api-Key …`, API paths
    only) or from the signed-in user's active organization. Anonymous requests
    run with no context at all, so every tenant query they could make is
    refused by the manager and returns nothing under row-level security. The
    contexts are reset when the response is done, so a worker thread never
    carries them into its next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.organization = None
        request.api_key = None
        with no_tenant_context():
            key = presented_api_key(request) if request.path.startswith(API_PREFIX) else None
            if key is not None:
                return self._as_api_key(request, key)
            if not request.user.is_authenticated:
                return self.get_response(request)
            with user_context(request.user.pk):
                membership = active_membership_for_user(
                    user=request.user,
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

    def _as_api_key(self, request: HttpRequest, key: str) -> HttpResponse:
        """An unknown or revoked key leaves the request anonymous; DRF answers 401."""
        api_key = api_key_authenticate(key=key)
        if api_key is None:
            return self.get_response(request)
        request.api_key = api_key
        request.membership = api_key.membership
        request.organization = api_key.membership.organization
        with (
            user_context(api_key.membership.user_id),
            organization_context(api_key.organization_id),
        ):
            return self.get_response(request)


class _ConcurrentDuplicate(Exception):
    """Another request with the same Idempotency-Key committed first."""


# Responses worth replaying: the work was done, or the input was refused as such.
# Authentication, permission and throttling answers depend on the moment, not the input.
NOT_STORED = frozenset({401, 403, 429})


class IdempotencyMiddleware:
    """`Idempotency-Key` on API POSTs: a retry gets the first response, not a second effect.

    The view runs in a transaction that also stores the response under the key
    (per organization, 24 hours). Two concurrent requests with one key: the
    second's insert waits on the first's unique index entry, fails once the
    first commits, rolls its own work back and replays the first's response.
    """

    HEADER = "Idempotency-Key"
    MAX_KEY_LENGTH = 255

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(self.HEADER)
        if (
            request.method != "POST"
            or key is None
            or request.organization is None
            or not request.path.startswith(API_PREFIX)
        ):
            return self.get_response(request)
        if not key.strip() or len(key) > self.MAX_KEY_LENGTH:
            return problem_response(
                400,
                detail=f"{self.HEADER} must be 1 to {self.MAX_KEY_LENGTH} characters.",
                code="invalid_idempotency_key",
            )
        fingerprint = hashlib.sha256(b"\n".join([request.path.encode(), request.body])).hexdigest()
        stored = idempotency_record_get(key=key)
        if stored is not None:
            return self._replay(stored, fingerprint)
        try:
            return self._run_and_store(request, key, fingerprint)
        except _ConcurrentDuplicate:
            return self._replay(idempotency_record_get(key=key), fingerprint)

    def _run_and_store(self, request: HttpRequest, key: str, fingerprint: str) -> HttpResponse:
        with transaction.atomic():
            response = self.get_response(request)
            if hasattr(response, "render"):
                response.render()
            if response.status_code >= 500:
                transaction.set_rollback(True)  # a failure half-way keeps none of its writes
                return response
            if response.status_code in NOT_STORED:
                return response
            try:
                with transaction.atomic():
                    idempotency_record(
                        key=key,
                        fingerprint=fingerprint,
                        status=response.status_code,
                        content_type=response.get("Content-Type", ""),
                        body=response.content.decode(),
                    )
            except IntegrityError as error:
                raise _ConcurrentDuplicate from error
            return response

    def _replay(self, stored, fingerprint: str) -> HttpResponse:
        if stored.request_fingerprint != fingerprint:
            return problem_response(
                422,
                detail=(
                    f"This {self.HEADER} was used with a different request in the last "
                    "24 hours; use a new key for a new request."
                ),
                code="idempotency_key_reused",
            )
        response = HttpResponse(
            stored.response_body,
            status=stored.response_status,
            content_type=stored.response_content_type,
        )
        response["Idempotent-Replayed"] = "true"
        return response
