"""Every API list's page, made into rows by `lib.api.rows.rows_representation`, is the
JSON that DRF's own serializer makes of the same objects, field for field.

The reference is DRF's `Serializer.to_representation` applied to each object; the
lists are the world's (tests/api/world.py), read by the owner and by a hiring manager
(whose candidates hide the internal notes), and every list route is covered.
"""

import pytest

from lib.api import rows
from tests.api.conftest import issue_key, key_client
from tests.api.routes import ADMIN_ONLY, api_routes

pytestmark = pytest.mark.django_db

LIST_ROUTES = [
    r
    for r in api_routes()
    if not r.is_detail and not r.is_upsert and not r.is_aggregate and "GET" in r.methods
]


def _drf_rows(child, objects):
    return [child.to_representation(obj) for obj in objects]


@pytest.fixture
def lists_twice(world, monkeypatch):
    """lists_twice(client, url) → the list as served, and as DRF's serializer makes it."""

    def get(client, url):
        served = client.get(url)
        with monkeypatch.context() as patched:
            patched.setattr(rows, "rows_representation", _drf_rows)
            reference = client.get(url)
        assert served.status_code == reference.status_code == 200, served.content[:300]
        return served.json(), reference.json()

    return get


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_every_list_is_the_json_drf_makes_of_its_page(route, owner, lists_twice):
    served, reference = lists_twice(key_client(issue_key(owner)), route.url() + "?limit=200")
    assert served["results"], "tests/api/world.py has nothing for this list"
    assert served == reference


@pytest.mark.parametrize(
    "route", [r for r in LIST_ROUTES if r.model_label not in ADMIN_ONLY], ids=str
)
def test_a_hiring_managers_lists_are_the_json_drf_makes(route, hiring_manager, lists_twice):
    served, reference = lists_twice(
        key_client(issue_key(hiring_manager, scopes=["read"])), route.url()
    )
    assert served == reference
