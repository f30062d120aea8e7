"""What the schema declares invalid, the server refuses: empty and malformed query
parameters, and values of another JSON type in bodies; `OPTIONS` answers on every
route.

The query parameters are read from the served schema, so a filter added later is
held to it without being listed here. Schemathesis explores the rest
(tests/api/test_schema_conformance.py).
"""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import issue_key, key_client
from tests.api.routes import api_routes

pytestmark = pytest.mark.django_db

ROUTES = api_routes()
# Values each kind of query parameter must refuse, by (type, format).
MALFORMED = {
    ("integer", None): ["", "x", "1.5", " 5", "null"],
    ("number", None): ["", "x"],
    ("boolean", None): ["", "yes", "1", "True"],
    ("string", "date-time"): ["", "2026-11-26", "2026-11-26T09:00:00", "yesterday"],
    ("string", "date"): ["", "20261126", "2026-11-26T09:00:00Z"],
    ("string", "uuid"): ["", "not-a-uuid", "\x1f", "{12345678-1234-1234-1234-123456789abc}"],
}


def _query_parameters() -> list[tuple[str, str, dict]]:
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    return [
        (path, parameter["name"], parameter["schema"])
        for path, operations in schema.json()["paths"].items()
        if "{" not in path and "get" in operations
        for parameter in operations["get"].get("parameters", [])
        if parameter["in"] == "query"
    ]


def _malformed(schema: dict) -> list[str]:
    if schema.get("type") == "array":
        return _malformed(schema["items"])
    if "enum" in schema:
        return ["", "not-a-choice"]
    if schema.get("minLength", 0) > 0:
        return [""]
    return MALFORMED.get((schema.get("type"), schema.get("format")), [])


def test_every_query_parameter_refuses_what_its_schema_refuses(owner):
    api = key_client(issue_key(owner))
    parameters = _query_parameters()
    assert len(parameters) > 60, "the schema lost its query parameters"
    accepted = []
    for path, name, schema in parameters:
        for value in _malformed(schema):
            response = api.get(path, {name: value})
            if response.status_code != 400 or name not in response.json().get("errors", {}):
                accepted.append(f"{path}?{name}={value!r}: {response.status_code}")
    assert not accepted, "\n".join(accepted)


def test_a_large_limit_is_served_as_200_and_a_short_one_as_asked(api, organization):
    from tests.factories import CandidateFactory

    CandidateFactory.create_batch(3, organization=organization)
    assert len(api.get("/api/v1/candidates/?limit=2").json()["results"]) == 2
    huge = api.get("/api/v1/candidates/", {"limit": "9" * 40})
    assert huge.status_code == 200
    assert len(huge.json()["results"]) == 3
    assert api.get("/api/v1/candidates/?limit=0").status_code == 400


def test_a_time_with_an_offset_filters_and_is_read_in_utc(api, organization):
    from tests.factories import CandidateFactory

    CandidateFactory(organization=organization)
    assert len(_results(api, "updated_since=2000-01-01T00:00:00Z")) == 1
    assert len(_results(api, "updated_since=2000-01-01t00:00:00.5%2B14:00")) == 1
    assert _results(api, "updated_since=2999-01-01T00:00:00-01:00") == []


def _results(api, query: str) -> list:
    response = api.get(f"/api/v1/candidates/?{query}")
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        ("contacts", {"job_title": 0}, "job_title"),
        ("contacts", {"kind": 1}, "kind"),
        ("candidates", {"full_name": 12}, "full_name"),
        ("candidates", {"consent_to_represent": "true"}, "consent_to_represent"),
        ("candidates", {"tags": ["ok", 3]}, "tags.1"),
        ("roles", {"openings": "2"}, "openings"),
        ("roles", {"title": ["a list"]}, "title"),
        ("clients", {"weekly_report": 1}, "weekly_report"),
        ("clients", {"workdays": "0,1"}, "workdays"),
    ],
)
def test_a_patch_with_a_value_of_another_json_type_is_a_400(api, world, resource, body, field):
    label = {
        "contacts": "recruiting.Contact",
        "candidates": "recruiting.Candidate",
        "roles": "recruiting.Role",
        "clients": "recruiting.Client",
    }[resource]
    obj = world.ours[label]
    url = f"/api/v1/{resource}/{obj.public_id}/"
    before = api.get(url).json()
    response = api.patch(url, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert api.get(url).json() == before


def test_nested_items_of_another_json_type_are_named_in_the_errors(api, world):
    submission = world.ours["recruiting.Submission"]
    response = api.put(
        f"/api/v1/submissions/by-external-id/ats/{submission.public_id}/",
        {
            "role": str(submission.role.public_id),
            "candidate": str(submission.candidate.public_id),
            "pitch": "Strong fit.",
            "skills_summary": [{"must_have": 7, "evidence": "Shipped it"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"skills_summary.0.must_have": ["Expected a string."]}


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_options_describes_every_route(route, world, owner):
    api = key_client(issue_key(owner))
    obj = world.ours.get(route.model_label) if route.is_detail else None
    response = api.options(route.url(obj, external_source="ats", external_id="ref/1"))
    assert response.status_code == 200, response.content[:300]
    assert response.json()["name"]


def test_options_on_an_upsert_describes_the_put_of_an_object_not_yet_there(api):
    response = api.options("/api/v1/roles/by-external-id/ats/no-such-role/")
    assert response.status_code == 200
    assert "PUT" in response.json()["actions"]


def _refusals() -> list[tuple[str, str, str]]:
    """(schema path, method, rule) for every business rule a view declares."""
    found = []
    for route in api_routes():
        refusals = getattr(route.view.cls, "refusals", {})
        for method, action in route.view.actions.items():
            path = route.openapi_path.replace("<str:external_source>", "{external_source}")
            found += [(path, method, rule) for rule in refusals.get(action, [])]
    return found


def test_each_operations_business_rules_are_its_documented_400():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = schema.json()["paths"]
    docs = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()
    refusals = _refusals()
    assert len(refusals) > 60, "the views lost their refusals"
    for path, method, rule in refusals:
        assert rule in paths[path][method]["responses"]["400"]["description"], (path, method)
        operation = f"- `{method.upper()} {path.removeprefix('/api/v1')}`"
        listed = docs.split(operation, 1)[1].split("\n- ", 1)[0]
        assert rule in listed, (operation, rule)
