"""The request guard (lib/request_guard.py) on every operation of the API's OpenAPI
schema, sent by an owner's key to real objects: a NUL character or half of a UTF-16
surrogate pair in a query parameter, a header, the `Idempotency-Key` or any field of
the body, a body over 1 MB and JSON nested deeper than 32 levels are each answered
with a problem document (400 or 413) naming what was refused without echoing it, and
the organization's rows are exactly as they were.
"""

import json
import re

import pytest
from django.conf import settings
from drf_spectacular.settings import spectacular_settings

from lib.request_guard import printable
from tests.api.conftest import issue_key, key_client
from tests.api.routes import api_routes
from tests.api.test_idempotency_every_post import _changed, _snapshot

pytestmark = pytest.mark.django_db

SCHEMA = spectacular_settings.DEFAULT_GENERATOR_CLASS().get_schema(request=None, public=True)
METHODS = ("get", "post", "put", "patch", "delete")
OPERATIONS = [
    (path, method, operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]
WRITES = [(path, method, op) for path, method, op in OPERATIONS if method != "get"]
ROUTES = {
    re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", "/" + route.template): route for route in api_routes()
}
PROBLEM = "application/problem+json"


def _ids(operations):
    return [f"{method.upper()} {path}" for path, method, _ in operations]


def _address(world, path: str) -> str:
    route = ROUTES.get(path)
    if route is None or "{" not in path:
        return path
    obj = world.ours[route.model_label]
    values = {
        "public_id": str(obj.public_id),
        "external_source": getattr(obj, "external_source", "") or "ats",
        "external_id": getattr(obj, "external_id", "") or "x",
    }
    return re.sub(r"\{(\w+)\}", lambda match: values[match[1]], path)


def _body_fields(operation) -> list[str]:
    """The top-level fields of the operation's JSON request body, as the schema names them."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return []
    reference = content["schema"].get("$ref", "")
    component = SCHEMA["components"]["schemas"].get(reference.rpartition("/")[2], {})
    return sorted(component.get("properties", {}))


def _refused(response, status: int, code: str, where: str | None = None) -> None:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    problem = json.loads(response.content.decode("utf-8"))  # it encodes: no lone surrogate
    assert problem["code"] == code, problem
    if where is not None:
        assert list(problem["errors"]) == [where], problem


@pytest.fixture
def owner_api(world, owner):
    return key_client(issue_key(owner))


def test_the_schema_has_every_operation():
    assert len(OPERATIONS) > 60, "the schema lost its operations"
    assert len(WRITES) > 15


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=_ids(OPERATIONS))
def test_every_operation_refuses_nul_in_a_query_parameter_or_header(
    path, method, operation, world, owner_api
):
    address = _address(world, path)
    parameters = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    parameter = parameters[0] if parameters else "q"
    response = owner_api.generic(method.upper(), f"{address}?{parameter}=a%00b")
    _refused(response, 400, "invalid_characters", parameter)
    response = owner_api.generic(method.upper(), address, HTTP_X_REQUEST_NOTE="a\x00b")
    _refused(response, 400, "invalid_characters", "X-Request-Note")


@pytest.mark.parametrize(("path", "method", "operation"), WRITES, ids=_ids(WRITES))
def test_every_write_refuses_bad_characters_size_and_depth_and_stores_nothing(
    path, method, operation, world, owner, owner_api
):
    address = _address(world, path)
    send = getattr(owner_api, method)
    before = _snapshot(owner.organization)

    for field in [*_body_fields(operation), "kind"]:
        for bad in ("\ud800", "a\x00b"):
            body = json.dumps({field: bad})  # escaped: "\ud800", "\u0000"
            response = send(address, body, content_type="application/json")
            _refused(response, 400, "invalid_characters", field)
            # The answer names the field, never the value it refused.
            text = response.content.decode("utf-8")
            assert printable(bad) not in text
            assert json.dumps(bad)[1:-1] not in text
    nested_key = json.dumps({"ratings": {"\udfff": 1}})
    _refused(
        send(address, nested_key, content_type="application/json"),
        400,
        "invalid_characters",
        "ratings.\\udfff",
    )
    for deep in ("[" * 100_000, "[" * 33 + "]" * 33, '{"a":' * 40 + "1" + "}" * 40):
        _refused(send(address, deep, content_type="application/json"), 400, "too_deep")
    too_large = json.dumps({"notes": "x" * settings.REQUEST_BODY_MAX_BYTES})
    _refused(send(address, too_large, content_type="application/json"), 413, "too_large")
    if method == "post":
        response = send(
            address, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k\x00"
        )
        _refused(response, 400, "invalid_characters", "Idempotency-Key")

    assert _changed(before, _snapshot(owner.organization)) == []


def test_text_in_any_script_and_emoji_passes_the_guard(owner_api, world):
    """Characters PostgreSQL stores are not refused: accents, scripts, an escaped
    surrogate pair (one emoji), and JSON nested exactly 32 levels deep."""
    body = '{"name": "Zo\\u00eb \\u5317\\u4eac \\ud83d\\ude00 Ltd", "timezone": "Europe/Paris"}'
    response = owner_api.post("/api/v1/clients/", body, content_type="application/json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["name"] == "Zoë 北京 😀 Ltd"
    deep = '{"name": "Deep", "timezone": "UTC", "notes": ' + "[" * 31 + "]" * 31 + "}"
    response = owner_api.post("/api/v1/clients/", deep, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["notes"]  # the serializer's answer, not the guard's


def test_a_surrogate_written_as_raw_bytes_is_refused_like_an_escaped_one(owner_api, world):
    """Half a surrogate pair encoded as bytes is not UTF-8, yet Python's JSON parser reads
    it (it decodes with "surrogatepass"): the guard refuses it all the same."""
    body = b'{"name": "\xed\xa0\x80", "timezone": "UTC"}'
    response = owner_api.post("/api/v1/clients/", body, content_type="application/json")
    _refused(response, 400, "invalid_characters", "name")
