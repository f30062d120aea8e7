"""Tenancy over every API route, enumerated from the URL conf: a route added without
an entry in the world (tests/api/world.py) fails here, not in production.

* another organization's key gets 404 on every detail route (read or write) and
  none of our objects in any list;
* a hiring manager, by key or by browser session, sees only their client's objects;
* the metrics routes, which report figures rather than objects: another organization's
  key gets only zeros and none of our ids, a hiring manager only their client's figures.
"""

import json

import pytest
from rest_framework.test import APIClient

from lib.tenancy import organization_context
from tests.api.conftest import issue_key, key_client
from tests.api.routes import ADMIN_ONLY, SIGNED_LINKS, Route, api_routes

pytestmark = pytest.mark.django_db

ROUTES = api_routes()
AGGREGATE_ROUTES = [r for r in ROUTES if r.is_aggregate]
LIST_ROUTES = [
    r
    for r in ROUTES
    if not r.is_detail and not r.is_upsert and not r.is_aggregate and "GET" in r.methods
]
DETAIL_ROUTES = [r for r in ROUTES if r.is_detail]
UPSERT_ROUTES = [r for r in ROUTES if r.is_upsert]


def test_every_route_is_classified():
    assert ROUTES, "no API route found: the URL conf walk is broken"
    for route in ROUTES:
        assert route.methods, f"{route} is not a viewset route; classify it in this module"
        assert route.is_detail or route.is_upsert or "GET" in route.methods, route


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
        ours = key_client(issue_key(owner))
        url = route.url(obj)
        if route.template in SIGNED_LINKS:  # the link the object's status gives
            url = ours.get(url.removesuffix("download/")).json()["download_url"]
        assert ours.get(url).status_code == 200


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


# --- The metrics: figures, not objects -----------------------------------------------

# Numbers that are settings of the answer, not figures of anyone's data.
NOT_FIGURES = {"page", "page_size", "no_credit_after_business_hours"}


def _figures(value, key=""):
    """Every number in a metrics answer, except the NOT_FIGURES."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _figures(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _figures(item, key)
    elif isinstance(value, int | float) and not isinstance(value, bool) and key not in NOT_FIGURES:
        yield value


def _ids_of(side: dict) -> set[str]:
    return {str(obj.public_id) for obj in side.values() if hasattr(obj, "public_id")}


def test_every_metrics_route_is_tested_here():
    assert {r.template.removeprefix("api/v1/metrics/") for r in AGGREGATE_ROUTES} == {
        "summary/",
        "clients/",
        "contacts/",
        "roles/",
        "trends/",
        "cost-of-delay/",
    }


@pytest.mark.parametrize("route", AGGREGATE_ROUTES, ids=str)
def test_another_organizations_key_gets_no_figure_and_no_id_of_ours(route, world, owner, outsider):
    ours = key_client(issue_key(owner)).get(route.url())
    assert ours.status_code == 200, ours.content[:300]
    theirs = key_client(issue_key(outsider)).get(route.url())
    assert theirs.status_code == 200, theirs.content[:300]
    assert not any(_figures(theirs.json()))
    assert not _ids_of(world.ours) & set(json.dumps(theirs.json()).split('"'))
    # Naming one of our clients is refused as if it did not exist.
    client = str(world.ours["recruiting.Client"].public_id)
    refused = key_client(issue_key(outsider)).get(route.url(), {"client": client})
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"client": ["No such client."]}


@pytest.mark.parametrize("route", AGGREGATE_ROUTES, ids=str)
def test_a_hiring_manager_gets_only_their_clients_figures(route, world, manager_api, owner):
    answer = manager_api.get(route.url())
    assert answer.status_code == 200, answer.content[:300]
    words = set(json.dumps(answer.json()).split('"'))
    assert not _ids_of(world.theirs) & words
    other_client = str(world.theirs["recruiting.Client"].public_id)
    assert manager_api.get(route.url(), {"client": other_client}).status_code == 400
    # The agency sees more than the client does: both clients' figures.
    agency = key_client(issue_key(owner)).get(route.url()).json()
    assert sum(_figures(agency)) >= sum(_figures(answer.json()))
    if route.template.endswith("summary/"):
        assert answer.json()["current"]["funnel"]["submitted"] == 1
        assert agency["current"]["funnel"]["submitted"] == 2
