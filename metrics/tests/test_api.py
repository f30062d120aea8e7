"""The metrics endpoints: their input, refused as problem details when wrong, and
what they answer (what each caller may see is in tests/api/test_every_route.py)."""

from datetime import UTC, datetime

import pytest

from metrics.tests.history import at
from tests.api.conftest import issue_key, key_client
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def api(recruiter):
    return key_client(issue_key(recruiter, scopes=["read"]))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
        ({"from": "2026-11-09", "to": "2026-11-02"}, "to"),
        ({"from": "2025-01-01", "to": "2026-11-02"}, "from"),
        ({"from": "0001-01-01", "to": "0001-01-05"}, "from"),
        ({"client": "not-a-uuid"}, "client"),
        ({"role": "7d0e3c4e-4b8f-4a4c-9a55-1f2f8e1b2c3d"}, "role"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_input_is_a_400_problem_with_the_field(api, query, field):
    path = "/api/v1/metrics/roles/"
    response = api.get(path, query)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_a_bad_cursor_is_a_400(api):
    response = api.get("/api/v1/metrics/cost-of-delay/", {"cursor": "2026-11-02|x"})
    assert response.status_code == 400
    assert "cursor" in response.json()["errors"]


def test_the_summary_answers_the_window_and_its_figures(history, api):
    history.submit(MONDAY_10)
    with at(datetime(2026, 11, 5, 12, 0, tzinfo=UTC)):
        answer = api.get("/api/v1/metrics/summary/", {"from": "2026-11-02", "to": "2026-11-09"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["window"] == {"start": "2026-11-02", "end": "2026-11-09"}
    assert body["previous_window"] == {"start": "2026-10-26", "end": "2026-11-02"}
    assert body["current"]["funnel"]["submitted"] == 1
    # Its review was due on Tuesday at 17:30 and is still open: overdue now.
    assert body["current"]["sla"] == {
        "counted": 1,
        "on_time": 0,
        "answered_late": 0,
        "missed": 0,
        "overdue_now": 1,
        "compliance_pct": 0.0,
        "median_lateness_business_hours": None,
    }


def test_the_role_filter_narrows_the_scorecards(history, api):
    history.submit(MONDAY_10)
    with at(datetime(2026, 11, 5, 12, 0, tzinfo=UTC)):
        answer = api.get(
            "/api/v1/metrics/roles/",
            {"from": "2026-11-02", "to": "2026-11-09", "role": str(history.role.public_id)},
        )
    assert answer.status_code == 200
    assert [role["role_id"] for role in answer.json()["results"]] == [str(history.role.public_id)]
    assert answer.json()["count"] == 1


def test_the_client_scorecards_sort_worst_first_by_a_figure(history, api, recruiter):
    ClientFactory(organization=recruiter.organization, name="Quiet Ltd")  # no figure
    history.submit(MONDAY_10)  # Acme's review is overdue: compliance 0 %
    with at(datetime(2026, 11, 5, 12, 0, tzinfo=UTC)):
        by_name = api.get("/api/v1/metrics/clients/", {"sort": "client", "order": "desc"})
        worst = api.get("/api/v1/metrics/clients/", {"sort": "overdue"})
        refused = api.get("/api/v1/metrics/clients/", {"sort": "mood"})
    assert [card["name"] for card in by_name.json()["results"]] == ["Quiet Ltd", "Acme Robotics"]
    # Most overdue first by default.
    assert [card["name"] for card in worst.json()["results"]] == ["Acme Robotics", "Quiet Ltd"]
    assert refused.status_code == 400
    assert "sort" in refused.json()["errors"]
