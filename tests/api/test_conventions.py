"""Conventions every endpoint shares: problem details, throttling, session auth, the schema."""

import uuid

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from tests.api.conftest import issue_key, key_client

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_problem_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Not found",
        "status": 404,
        "detail": "No API endpoint at this address.",
        "code": "not_found",
    }


def test_an_anonymous_request_gets_401_problem():
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_malformed_body_is_a_400_problem(api):
    response = api.generic("POST", "/api/v1/clients/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "parse_error"


@pytest.fixture(params=["locmem", "redis"])
def throttle_cache(request, settings):
    """The cache the throttle keeps its log in: the tests' own, or Redis as deployed
    (a sorted set updated by one script), under a key prefix of the test's own."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": django_settings.CELERY_BROKER_URL,
                "KEY_PREFIX": f"test-throttle-{uuid.uuid4().hex}",
            }
        }
    return request.param


@override_settings(API_THROTTLE_RATE="3/minute")
def test_throttling_is_per_key_with_retry_after(recruiter, owner, throttle_cache):
    busy, quiet = key_client(issue_key(recruiter)), key_client(issue_key(owner))
    statuses = [busy.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = busy.get("/api/v1/me/")
    assert throttled["Content-Type"] == "application/problem+json"
    assert throttled.json()["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert quiet.get("/api/v1/me/").status_code == 200


@override_settings(API_THROTTLE_RATE="2/minute")
def test_throttling_counts_a_signed_in_users_calls_too(client_for, recruiter, throttle_cache):
    browser = client_for(recruiter)
    statuses = [browser.get("/api/v1/me/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_browser_session_authenticates_and_needs_csrf_to_write(recruiter):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(recruiter.user)
    assert browser.get("/api/v1/me/").json()["membership"]["id"] == str(recruiter.public_id)
    response = browser.post("/api/v1/clients/", {"name": "Initech"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "ApiKeyAuth" in target.read_text()


def test_the_schema_and_docs_are_served():
    anonymous = APIClient()
    schema = anonymous.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/submissions/" in schema.json()["paths"]
    docs = anonymous.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
