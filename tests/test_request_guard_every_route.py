"""The request guard (lib/request_guard.py) on every route of the URL conf, pages and
API alike: a NUL character in the address, the query string, a header, a cookie or a
form field, a body over the size limit and JSON nested too deep each get their 400 or
413, never a 500 and never the view. The routes are enumerated from the URL resolver,
so a route added later is covered without a line here; the API's operations are
covered again with real objects in tests/api/test_request_guard_every_operation.py.
"""

import re
import uuid

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

pytestmark = pytest.mark.django_db

# A value each path converter accepts.
CONVERTER_SAMPLES = {"uuid": str(uuid.uuid4()), "int": "1", "str": "x", "slug": "x", "path": "x"}
# Routes written as regular expressions, with an address each matches; a new one fails
# `test_every_route_has_an_address` until it is listed.
REGEX_SAMPLES = {
    "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": "accounts/confirm-email/key/",
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": (
        "accounts/password/reset/key/1-key/"
    ),
    "admin/^(?P<app_label>auth|account|mfa|usersessions|accounts|activity|recruiting|intake"
    "|engagements|metrics|integrations|privacy)/$": "admin/recruiting/",
    "admin/(?P<url>.*)$": "admin/anything",
    "api/v1/^(?P<path>[\\s\\S]*)$": "api/v1/anything/",
}
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.pattern


def _address(template: str, pattern) -> str | None:
    if template in REGEX_SAMPLES:
        return "/" + REGEX_SAMPLES[template]
    if not isinstance(pattern, RoutePattern) or "^" in template:
        return None
    return "/" + CONVERTER.sub(
        lambda match: CONVERTER_SAMPLES[match["converter"] or "str"], template
    )


ROUTES = sorted(
    {
        template: _address(template, pattern)
        for template, pattern in _walk(get_resolver().url_patterns)
    }.items()
)


def test_every_route_has_an_address():
    assert len(ROUTES) > 300, "the URL conf walk is broken"
    assert [template for template, address in ROUTES if address is None] == []


@pytest.fixture
def browser(client, recruiter):
    client.force_login(recruiter.user)
    return client


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    if response["Content-Type"] == "application/problem+json":
        assert response.json()["code"] == code
    else:
        assert response["Content-Type"].startswith("text/html")
        assert b"Nothing was saved." in response.content


@pytest.mark.parametrize(("template", "address"), ROUTES, ids=[t for t, _ in ROUTES])
def test_every_route_refuses_what_postgresql_cannot_store(browser, template, address):
    if address is None:
        pytest.fail(f"{template} has no address: add it to REGEX_SAMPLES")
    _refused(browser.get(address, {"q": "a\x00b"}), 400, "invalid_characters")
    _refused(browser.get(address, {"a\x00": "b"}), 400, "invalid_characters")
    _refused(browser.get(address, headers={"X-Note": "a\x00b"}), 400, "invalid_characters")
    form = "application/x-www-form-urlencoded"
    _refused(browser.post(address, "name=a%00b", form), 400, "invalid_characters")
    if not address.startswith("/api/"):  # the API answers a multipart body with 415
        _refused(browser.post(address, {"name": "a\x00b"}), 400, "invalid_characters")
    _refused(
        browser.post(address, '{"name": "a\\u0000b"}', content_type="application/json"),
        400,
        "invalid_characters",
    )
    _refused(
        browser.post(address, '{"kind": "\\ud800"}', content_type="application/json"),
        400,
        "invalid_characters",
    )
    _refused(browser.get(address.rstrip("/") + "%00/"), 400, "invalid_characters")
    # A quoted cookie's octal escape, which the cookie parser turns into NUL.
    _refused(browser.get(address, HTTP_COOKIE='sessionid="\\000abc"'), 400, "invalid_characters")


@pytest.mark.parametrize(("template", "address"), ROUTES, ids=[t for t, _ in ROUTES])
def test_every_route_refuses_bodies_too_large_or_too_deep(browser, template, address):
    too_large = b"a=" + b"x" * settings.REQUEST_BODY_MAX_BYTES
    for method in ("POST", "PUT", "PATCH"):
        _refused(
            browser.generic(method, address, too_large, "application/x-www-form-urlencoded"),
            413,
            "too_large",
        )
        _refused(
            browser.generic(method, address, "[" * 100_000, "application/json"), 400, "too_deep"
        )
        deep = "[" * 33 + "]" * 33
        _refused(browser.generic(method, address, deep, "application/json"), 400, "too_deep")
