"""The guard in front of every page and API call: input nothing behind it can take.

Before any middleware, view or form reads a request, the guard refuses

* a body larger than `REQUEST_BODY_MAX_BYTES` (1 MB; a form with a file,
  `UPLOAD_BODY_MAX_BYTES`), with 413, before reading it;
* a JSON body nested deeper than `JSON_MAX_DEPTH` (32) levels, with 400: Python's
  parser recurses once per level and fails with a RecursionError a thousand levels
  down, which no serializer could turn into a field error;
* a character PostgreSQL or the UTF-8 encoder cannot take (`REFUSED`: the NUL
  character, which a PostgreSQL text value cannot hold, and the halves of UTF-16
  surrogate pairs, which JSON can escape but UTF-8 cannot encode), anywhere: the
  path, the query string, a header or cookie, a form field, a JSON string or
  key. With 400, and without echoing the value.

Each check answers as the rest of the request would have: a problem document
(lib/api/exceptions.py) under `/api/`, the `400.html` page elsewhere. The page is
rendered without the request: the guard runs before the session and the user are
read, as a cookie is one of the things it checks.
"""

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

from lib.api.exceptions import problem_response

API_PREFIX = "/api/"
JSON_MAX_DEPTH = 32
# NUL, and every UTF-16 surrogate code point: in a Python string, one is always lone
# (JSON's escaped pairs are combined into one character when the body is parsed).
REFUSED = re.compile("[\x00\ud800-\udfff]")
CHARACTERS_MESSAGE = (
    "contains a character that cannot be stored (the NUL character or half of a "
    "UTF-16 surrogate pair); remove it and send the request again."
)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    detail: str
    where: str | None = None  # the field, parameter or header, for the API's `errors`


def printable(text: str) -> str:
    """`text` with the refused characters written as escapes, safe to show and encode."""
    return REFUSED.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


def _refused_characters(where: str, label: str) -> Refusal:
    return Refusal(400, "invalid_characters", f"{label} {CHARACTERS_MESSAGE}", where)


def _first_refused(pairs: Iterator[tuple[str, str]]) -> str | None:
    """The name of the first pair whose name or value holds a refused character."""
    for name, value in pairs:
        if REFUSED.search(name) or REFUSED.search(value):
            return printable(name)
    return None


def _query_pairs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    for name, values in request.GET.lists():
        for value in values:
            yield name, value


def _header_pairs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    for name, value in request.headers.items():
        yield name, value
    # Cookies are read from their header, whose octal escapes ("\000") they may decode to NUL.
    for name, value in request.COOKIES.items():
        yield f"Cookie {name}", value


def _form_pairs(request: HttpRequest) -> Iterator[tuple[str, str]]:
    # Uploaded files' names need no check: Django keeps only their printable characters.
    for name, values in request.POST.lists():
        for value in values:
            yield name, value


def _json_depth_and_refused(data) -> tuple[int, str | None]:
    """The nesting depth of parsed JSON and the dotted path of its first string (key or
    value) holding a refused character, walked without recursion."""
    deepest = 0
    stack: list[tuple[object, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if depth > JSON_MAX_DEPTH:
                return deepest, None
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and REFUSED.search(key):
                    return deepest, printable(name)
                stack.append((item, depth, name))
        elif isinstance(value, str) and REFUSED.search(value):
            return deepest, printable(path) or "body"
    return deepest, None


def _is_json(content_type: str) -> bool:
    subtype = content_type.partition("/")[2]
    return subtype == "json" or subtype.endswith("+json")


def _body_limit(request: HttpRequest) -> int:
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_BODY_MAX_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


def _check_body(request: HttpRequest) -> Refusal | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads such a body as empty, too
    limit = _body_limit(request)
    if length > limit:
        return Refusal(
            413,
            "too_large",
            f"The request body is {length:,} bytes; the limit is {limit:,} bytes "
            f"({limit / 1024 / 1024:g} MB).",
        )
    if not length:
        return None
    content_type = request.content_type or ""
    if _is_json(content_type):
        try:
            data = json.loads(request.body)
        except RecursionError:
            return _too_deep()
        except ValueError:
            return None  # not JSON: the parser of whoever reads it says so, as a 400
        depth, refused = _json_depth_and_refused(data)
        if depth > JSON_MAX_DEPTH:
            return _too_deep()
        if refused is not None:
            return _refused_characters(refused, f"The field “{refused}”")
    elif content_type in FORM_TYPES and request.method == "POST":
        if content_type == "multipart/form-data" and request.path.startswith(API_PREFIX):
            # The API reads JSON only and answers 415; parsing the parts here would
            # consume the body that the idempotency middleware fingerprints.
            return None
        try:
            refused = _first_refused(_form_pairs(request))
        except RequestDataTooBig:
            return Refusal(
                413,
                "too_large",
                f"The form's fields are larger than {settings.REQUEST_BODY_MAX_BYTES:,} bytes.",
            )
        except (MultiPartParserError, SuspiciousOperation) as error:
            return Refusal(400, "unreadable_form", f"The form could not be read: {error}")
        if refused is not None:
            return _refused_characters(refused, f"The form field “{refused}”")
    return None


def _too_deep() -> Refusal:
    return Refusal(
        400,
        "too_deep",
        f"The JSON body is nested more than {JSON_MAX_DEPTH} levels deep.",
    )


def request_refusal(request: HttpRequest) -> Refusal | None:
    """Why the guard refuses `request`, or None to let it through."""
    if REFUSED.search(request.path_info):
        return Refusal(400, "invalid_characters", f"The address {CHARACTERS_MESSAGE}")
    try:
        refused = _first_refused(_query_pairs(request))
    except SuspiciousOperation as error:  # more parameters than Django reads
        return Refusal(400, "unreadable_query", f"The query string could not be read: {error}")
    if refused is not None:
        return _refused_characters(refused, f"The query parameter “{refused}”")
    refused = _first_refused(_header_pairs(request))
    if refused is not None:
        return _refused_characters(refused, f"The header “{refused}”")
    return _check_body(request)


class RequestGuardMiddleware:
    """Refuse what `request_refusal` refuses, before anything else reads the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = request_refusal(request)
        if refusal is None:
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return problem_response(
                refusal.status,
                detail=refusal.detail,
                code=refusal.code,
                errors={refusal.where: [refusal.detail]} if refusal.where else None,
            )
        title = "Too large to read" if refusal.status == 413 else "We couldn't read that request"
        page = render_to_string("400.html", {"title": title, "detail": refusal.detail})
        return HttpResponse(page, status=refusal.status)
