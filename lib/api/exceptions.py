"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API returns has the same shape: `type`, `title`, `status`,
`detail`, plus `code` (a stable machine-readable name) and, for invalid input,
`errors` mapping each field to its messages. Services raise the project's own
exceptions and Django's `ValidationError`; this module is the one place that
turns them into HTTP.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from lib.exceptions import ApplicationError, PermissionDenied

PROBLEM_CONTENT_TYPE = "application/problem+json"
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY

TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict with the current state",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable request",
    429: "Too many requests",
}


def _encodable(text: str) -> str:
    """`text` as UTF-8 can encode it: a message may quote the input it refuses, and
    half of a surrogate pair would make the whole answer fail to encode (a 500)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def problem(status_code: int, *, detail: str, code: str, errors: dict | None = None) -> dict:
    body = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": _encodable(detail),
        "code": code,
    }
    if errors:
        body["errors"] = {
            _encodable(str(field)): [_encodable(message) for message in messages]
            for field, messages in errors.items()
        }
    return body


def problem_response(
    status_code: int, *, detail: str, code: str, errors: dict | None = None
) -> JsonResponse:
    """A problem answered outside DRF's views (middleware, unknown API paths)."""
    return JsonResponse(
        problem(status_code, detail=detail, code=code, errors=errors),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _messages(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [message for item in value for message in _messages(item)]
    if isinstance(value, dict):
        return [f"{key}: {message}" for key, item in value.items() for message in _messages(item)]
    return [str(value)]


def field_errors(detail) -> dict[str, list[str]]:
    """DRF's nested error detail as `{field: [messages]}`; nested fields are dotted."""
    if not isinstance(detail, dict):
        return {NON_FIELD: _messages(detail)}
    errors: dict[str, list[str]] = {}
    for field, value in detail.items():
        if isinstance(value, dict):
            for subfield, messages in field_errors(value).items():
                errors[f"{field}.{subfield}"] = messages
        else:
            errors[str(field)] = _messages(value)
    return errors


def _translate(exc: Exception) -> Exception:
    """The project's and Django's exceptions as their DRF equivalents."""
    if isinstance(exc, PermissionDenied | DjangoPermissionDenied):
        return exceptions.PermissionDenied(getattr(exc, "message", None) or str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({NON_FIELD: exc.messages})
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound()
    return exc


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError) and not isinstance(exc, PermissionDenied):
        response = Response(
            problem(status.HTTP_409_CONFLICT, detail=exc.message, code="conflict"),
            status=status.HTTP_409_CONFLICT,
        )
        response.content_type = PROBLEM_CONTENT_TYPE
        return response
    exc = _translate(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: a 500, logged by Django
    if isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        detail = " ".join(errors.get(NON_FIELD, [])) or "Some fields are invalid; see errors."
        body = problem(response.status_code, detail=detail, code="invalid", errors=errors)
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        body = problem(
            response.status_code,
            detail=" ".join(_messages(response.data.get("detail", response.data))),
            code=code if isinstance(code, str) else "error",
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
