"""Free text in the API has its limits (lib/text.py, docs/limits.md): every string a
request body takes is bounded by the schema (a `maxLength`, or a shape: a choice, a
format or a pattern), and every write operation refuses text one character over a
field's limit with a 400 naming that field, storing nothing. The operations come
from the OpenAPI schema, so a new one is covered without a line here.
"""

import pytest

from intake.models import AgreementStatus
from lib.text import TEXT_MAX_LENGTH
from tests.api.conftest import issue_key, key_client
from tests.api.test_idempotency_every_post import _changed, _snapshot
from tests.api.test_request_guard_every_operation import SCHEMA, WRITES, _address
from tests.factories import AgreementFactory, RoleFactory

pytestmark = pytest.mark.django_db

COMPONENTS = SCHEMA["components"]["schemas"]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rpartition("/")[2]]
    return schema


def _request_schema(operation) -> dict | None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    return _resolve(content["schema"]) if content else None


def _unbounded_strings(schema: dict, path: str = ""):
    """The paths of the strings in `schema` that take any text of any length."""
    schema = _resolve(schema)
    for alternative in schema.get("allOf", []) + schema.get("oneOf", []):
        yield from _unbounded_strings(alternative, path)
    if schema.get("readOnly"):
        return
    kind = schema.get("type")
    if kind == "object":
        for name, item in schema.get("properties", {}).items():
            yield from _unbounded_strings(item, f"{path}.{name}" if path else name)
        if isinstance(schema.get("additionalProperties"), dict):
            yield from _unbounded_strings(schema["additionalProperties"], f"{path}.*")
    elif kind == "array":
        yield from _unbounded_strings(schema.get("items", {}), f"{path}[]")
    elif kind == "string" and not {"maxLength", "enum", "format", "pattern"} & schema.keys():
        yield path


def _limits(operation) -> dict[str, int]:
    """The operation's top-level text fields and their limits."""
    limits = {}
    for name, item in (_request_schema(operation) or {}).get("properties", {}).items():
        field = _resolve(item)
        if "maxLength" in field and not field.get("readOnly"):
            limits[name] = field["maxLength"]
    return limits


# Who sends each write: the owner may do everything but answer for the client.
SENDERS = {"/api/v1/skills-reviews/": "hiring_manager", "/api/v1/culture-approvals/": "hr"}
BOUNDED_WRITES = [(path, method, op) for path, method, op in WRITES if _limits(op)]


def test_every_string_a_request_body_takes_is_bounded():
    unbounded = [
        f"{method.upper()} {path}: {field}"
        for path, method, operation in WRITES
        if (schema := _request_schema(operation))
        for field in _unbounded_strings(schema)
    ]
    assert unbounded == []


def test_the_free_text_fields_have_the_documented_limits():
    limits = {
        (path, field): limit
        for path, method, operation in WRITES
        for field, limit in _limits(operation).items()
    }
    assert limits[("/api/v1/agreements/{public_id}/comments/", "body")] == 10_000
    assert limits[("/api/v1/skills-reviews/", "comment")] == 10_000
    assert limits[("/api/v1/submissions/", "pitch")] == 10_000
    assert limits[("/api/v1/roles/", "description")] == 20_000
    assert len(BOUNDED_WRITES) > 15


@pytest.mark.parametrize(
    ("path", "method", "operation"),
    BOUNDED_WRITES,
    ids=[f"{method.upper()} {path}" for path, method, _ in BOUNDED_WRITES],
)
def test_every_write_refuses_text_over_its_limit_and_stores_nothing(
    path, method, operation, world, owner, request
):
    api = key_client(issue_key(request.getfixturevalue(SENDERS.get(path, "owner"))))
    address = _address(world, path)
    before = _snapshot(owner.organization)
    for field, limit in _limits(operation).items():
        response = getattr(api, method)(address, {field: "x" * (limit + 1)}, format="json")
        assert response.status_code == 400, (field, response.status_code, response.content[:300])
        messages = response.json()["errors"][field]
        assert messages == [f"Ensure this field has no more than {limit} characters."]
    assert _changed(before, _snapshot(owner.organization)) == []


def test_a_comment_of_exactly_the_limit_is_taken_and_one_more_character_is_not(
    organization, client_company, hiring_manager
):
    api = key_client(issue_key(hiring_manager))
    role = RoleFactory(organization=organization, client=client_company)
    proposal = AgreementFactory(
        organization=organization, role=role, status=AgreementStatus.PROPOSED
    )
    url = f"/api/v1/agreements/{proposal.public_id}/comments/"
    refused = api.post(url, {"body": "x" * (TEXT_MAX_LENGTH + 1)}, format="json")
    assert refused.status_code == 400
    taken = api.post(url, {"body": "x" * TEXT_MAX_LENGTH}, format="json")
    assert taken.status_code == 201, taken.content[:300]
    assert len(taken.json()["body"]) == TEXT_MAX_LENGTH
