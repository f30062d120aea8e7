"""Cursor pagination: every item exactly once, however many are inserted meanwhile."""

import pytest
import time_machine

from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def create_candidates(organization, count: int, *, at: str) -> set[str]:
    # Several rows share one creation time: the cursor must still tell them apart.
    with time_machine.travel(at, tick=False):
        return {str(CandidateFactory(organization=organization).public_id) for _ in range(count)}


def test_every_item_comes_exactly_once_while_items_are_inserted(api, organization):
    existing = set()
    for hour in range(8):
        existing |= create_candidates(organization, 4, at=f"2026-11-02 {9 + hour:02d}:00Z")
    seen = []
    url = "/api/v1/candidates/?limit=5"
    while url:
        page = api.get(url)
        assert page.status_code == 200
        seen += [item["id"] for item in page.json()["results"]]
        # New candidates arrive between every two requests of the walk.
        create_candidates(organization, 3, at="2026-11-26 12:00Z")
        url = page.json()["next"]
    assert len(seen) == len(set(seen)), "an item came twice"
    assert existing <= set(seen), "an item was skipped"


def test_the_walk_back_with_previous_returns_the_same_pages(api, organization):
    for hour in range(3):
        create_candidates(organization, 4, at=f"2026-11-02 {9 + hour:02d}:00Z")
    first = api.get("/api/v1/candidates/?limit=5&ordering=created_at").json()
    second = api.get(first["next"]).json()
    back = api.get(second["previous"]).json()
    assert [item["id"] for item in back["results"]] == [item["id"] for item in first["results"]]


def test_limit_is_capped_at_200(api, organization):
    create_candidates(organization, 205, at="2026-11-02 09:00Z")
    page = api.get("/api/v1/candidates/?limit=1000").json()
    assert len(page["results"]) == 200
    assert page["next"]


def test_a_forged_cursor_is_a_400_on_the_parameter(api):
    response = api.get("/api/v1/candidates/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]
