"""API keys and idempotency keys on the API's requests.

`ApiKeyMiddleware` runs before accounts' `TenantMiddleware`: a request to the API
with `Authorization: Api-Key …` acts as the key's member, in the key's organization,
and the session is not consulted. `IdempotencyMiddleware` runs after both.
"""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse

from integrations.api.authentication import API_KEY_SCHEME, presented_api_key
from integrations.selectors import idempotency_record_get
from integrations.services import ApiKeyRefused, api_key_authenticate, idempotency_record
from lib.api.exceptions import problem_response
from lib.client_ip import client_ip
from lib.tenancy import no_tenant_context, organization_context, user_context

API_PREFIX = "/api/"


class ApiKeyMiddleware:
    """Resolve an API key (API paths only) to `request.api_key`, `request.membership` and
    `request.organization`, and run the view in that member's context.

    The key names its organization, so it is looked up with no context at all. An
    unknown or revoked key leaves the request anonymous, whatever its cookies say:
    DRF answers 401. An expired key (401) or one sent from outside its allow-list
    (403) is answered here, before any view. The client's address is the one allauth's
    limits count (`lib.client_ip`). The contexts are reset when the response is done.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.api_key = None
        key = presented_api_key(request) if request.path.startswith(API_PREFIX) else None
        if key is None:
            return self.get_response(request)
        # Set before the look-up: the tenant middleware then leaves the session alone.
        request.membership = None
        request.organization = None
        with no_tenant_context():
            try:
                api_key = api_key_authenticate(key=key, client_address=client_ip(request))
            except ApiKeyRefused as refused:
                response = problem_response(
                    refused.status, detail=refused.detail, code=refused.code
                )
                if refused.status == 401:
                    response["WWW-Authenticate"] = f'{API_KEY_SCHEME} realm="api"'
                return response
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
