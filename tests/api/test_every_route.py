"""Tenancy over every API route, enumerated from the URL conf: a route added without
an entry in the world (tests/api/world.py) fails here, not in production.

* another organization's key gets 404 on every detail route (read or write) and
  none of our objects in any list;
* a hiring manager, by key or by browser session, sees only their client's objects.
"""

from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from lib.tenancy import organization_context
from tests.api.conftest import issue_key, key_client
from tests.api.world import build_world

pytestmark = pytest.mark.django_db

# Routes with no tenant object behind them, and why.
NOT_TENANT_OBJECTS = {
    "api/v1/me/": "describes the caller itself",
    "api/v1/schema/": "public description of the API",
    "api/v1/docs/": "public description of the API",
}
# Resources that only owners and admins may use: other members get 403 before any lookup.
ADMIN_ONLY = {"engagements.WebhookEndpoint", "engagements.WebhookDelivery"}


@dataclass(frozen=True)
class Route:
    template: str  # e.g. "api/v1/roles/<uuid:public_id>/status/"
    view: object

    @property
    def methods(self) -> list[str]:
        actions = getattr(self.view, "actions", None) or {}
        return sorted(method.upper() for method in actions)

    @property
    def is_detail(self) -> bool:
        return "<uuid:public_id>" in self.template

    @property
    def is_upsert(self) -> bool:
        return "by-external-id" in self.template

    @property
    def model_label(self) -> str:
        viewset = self.view.cls(action="retrieve" if self.is_detail else "list")
        viewset.format_kwarg = None
        viewset.request = None
        return viewset.get_serializer_class().Meta.model._meta.label

    def url(self, obj=None, **kwargs) -> str:
        path = self.template
        if obj is not None:
            path = path.replace("<uuid:public_id>", str(obj.public_id))
        for name, value in kwargs.items():
            path = path.replace(f"<path:{name}>", value).replace(f"<str:{name}>", value)
        return "/" + path

    def __str__(self) -> str:
        return self.template


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def api_routes() -> list[Route]:
    routes = []
    for template, view in _walk(get_resolver().url_patterns):
        if not template.startswith("api/v1/") or template.startswith("api/v1/^"):
            continue  # the catch-all for unknown addresses
        if template in NOT_TENANT_OBJECTS:
            continue
        routes.append(Route(template, view))
    return routes


ROUTES = api_routes()
LIST_ROUTES = [r for r in ROUTES if not r.is_detail and not r.is_upsert and "GET" in r.methods]
DETAIL_ROUTES = [r for r in ROUTES if r.is_detail]
UPSERT_ROUTES = [r for r in ROUTES if r.is_upsert]


def test_every_route_is_classified():
    assert ROUTES, "no API route found: the URL conf walk is broken"
    for route in ROUTES:
        assert route.methods, f"{route} is not a viewset route; classify it in this module"
        assert route.is_detail or route.is_upsert or "GET" in route.methods, route


@pytest.fixture
def world(organization, client_company, recruiter, hiring_manager):
    return build_world(
        organization=organization,
        client_company=client_company,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
    )


def _object(world, route: Route, side: str = "ours"):
    objects = getattr(world, side)
    assert route.model_label in objects, f"tests/api/world.py has no {route.model_label}"
    return objects[route.model_label]


def _ids(response) -> set[str]:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return {item["id"] for item in response.json()["results"]}


def _updated_at(obj):
    with organization_context(obj.organization_id):
        return type(obj)._base_manager.get(pk=obj.pk).updated_at


# --- Another organization ------------------------------------------------------------


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_another_organizations_key_lists_none_of_our_objects(route, world, owner, outsider):
    ours = _ids(key_client(issue_key(owner)).get(route.url()))
    assert ours, "tests/api/world.py has nothing for this list"
    # Their own membership is all the other organization has: nothing of ours shows.
    assert not _ids(key_client(issue_key(outsider)).get(route.url())) & ours


@pytest.mark.parametrize("route", DETAIL_ROUTES, ids=lambda r: f"{r} {'/'.join(r.methods)}")
def test_another_organizations_key_gets_404_on_every_method(route, world, owner, outsider):
    obj = _object(world, route)
    theirs = key_client(issue_key(outsider))
    before = _updated_at(obj)
    for method in route.methods:
        response = theirs.generic(method, route.url(obj), "{}", content_type="application/json")
        assert response.status_code == 404, (method, response.status_code)
        assert response["Content-Type"] == "application/problem+json"
    assert _updated_at(obj) == before
    if "GET" in route.methods:
        assert key_client(issue_key(owner)).get(route.url(obj)).status_code == 200


@pytest.mark.parametrize("route", UPSERT_ROUTES, ids=str)
def test_another_organizations_upsert_never_touches_our_object(route, world, owner, outsider):
    obj = _object(world, route)
    before = _updated_at(obj)
    reference = {"source": obj.external_source or "ats", "external_id": obj.external_id or "x"}
    key_client(issue_key(outsider)).put(route.url(**reference), {}, format="json")
    assert _updated_at(obj) == before


# --- A hiring manager, by key and by session ------------------------------------------


@pytest.fixture(params=["key", "session"])
def manager_api(request, hiring_manager):
    if request.param == "key":
        return key_client(issue_key(hiring_manager, scopes=["read"]))
    browser = APIClient()
    browser.force_login(hiring_manager.user)
    return browser


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_a_hiring_manager_lists_only_their_clients_objects(route, world, manager_api):
    response = manager_api.get(route.url())
    if route.model_label in ADMIN_ONLY:
        assert response.status_code == 403
        return
    listed = _ids(response)
    theirs = world.theirs.get(route.model_label)
    if theirs is not None:
        assert str(theirs.public_id) not in listed


@pytest.mark.parametrize("route", [r for r in DETAIL_ROUTES if "GET" in r.methods], ids=str)
def test_a_hiring_manager_gets_404_for_another_clients_object(route, world, manager_api):
    if route.model_label in ADMIN_ONLY:
        assert manager_api.get(route.url(_object(world, route))).status_code == 403
        return
    theirs = world.theirs.get(route.model_label)
    assert theirs is not None, f"tests/api/world.py has no other client's {route.model_label}"
    assert manager_api.get(route.url(theirs)).status_code == 404
