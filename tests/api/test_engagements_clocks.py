"""The clocks and nudges resources: what the client owes, and the nudges about it (read-only)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import ClockKind, Nudge, ResponseClock
from engagements.services import clock_open, clocks_close
from engagements.services.nudges import nudge_claim
from lib.tenancy import organization_context
from tests.factories import ClientFactory, RoleFactory, SubmissionFactory

CLOCKS = reverse("api:clock-list")
NUDGES = reverse("api:nudge-list")


def clock_detail(clock) -> str:
    return reverse("api:clock-detail", kwargs={"public_id": clock.public_id})


def nudge_detail(nudge) -> str:
    return reverse("api:nudge-detail", kwargs={"public_id": nudge.public_id})


def _clock(organization, client, *, kind=ClockKind.HM_REVIEW, overdue=False, submission=None):
    """An open clock on a new submission to `client`: overdue, or due in weeks."""
    submission = submission or SubmissionFactory(
        organization=organization, role=RoleFactory(organization=organization, client=client)
    )
    with organization_context(organization.id):
        return clock_open(
            submission=submission,
            kind=kind,
            sla_hours=1 if overdue else 400,
            opened_at=timezone.now() - timedelta(days=10 if overdue else 0),
        )


def _close(organization, clock, by) -> None:
    with organization_context(organization.id):
        clocks_close(submission=clock.submission, by=by, kinds=[clock.kind])


def _nudge(organization, clock) -> Nudge:
    """The clock's next level, claimed the moment it fell due: a business moment (the
    levels fall in the client's business hours), whenever the test runs."""
    with organization_context(organization.id):
        due = ResponseClock.objects.values_list("next_nudge_at", flat=True).get(pk=clock.pk)
        claimed = nudge_claim(clock_id=clock.pk, now=due)
        return Nudge.objects.get(pk=claimed.nudge_id)


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {item["id"] for item in response.json()["results"]}


@pytest.fixture
def other_client(organization):
    return ClientFactory(organization=organization, name="Globex")


# --- Clocks -----------------------------------------------------------------------------------


def test_a_clock_shows_what_is_owed_by_whom_and_when(api, organization, client_company):
    clock = _clock(organization, client_company, overdue=True)

    response = api.get(clock_detail(clock))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(clock.public_id)
    assert (body["kind"], body["owed_by"]) == ("hm_review", "hiring_manager")
    assert body["submission"] == str(clock.submission.public_id)
    assert body["candidate"] == str(clock.submission.candidate.public_id)
    assert body["role"] == str(clock.submission.role.public_id)
    assert body["client"] == str(client_company.public_id)
    assert (body["is_open"], body["is_overdue"], body["closed_by"]) == (True, True, None)
    assert body["sla_hours"] == 1
    assert body["due_at"]
    assert body["created_at"]
    assert body["updated_at"]


def test_clocks_filter_by_state_kind_party_and_object(
    api, organization, client_company, other_client, hiring_manager
):
    overdue = _clock(organization, client_company, overdue=True)
    due_later = _clock(organization, client_company)
    closed = _clock(organization, other_client, overdue=True)
    _close(organization, closed, hiring_manager)
    approval = _clock(
        organization, client_company, kind=ClockKind.HR_APPROVAL, submission=due_later.submission
    )
    every = {str(c.public_id) for c in (overdue, due_later, closed, approval)}

    assert _ids(api.get(CLOCKS)) == every
    assert _ids(api.get(CLOCKS, {"open": "false"})) == {str(closed.public_id)}
    assert _ids(api.get(CLOCKS, {"open": "true"})) == every - {str(closed.public_id)}
    assert _ids(api.get(CLOCKS, {"overdue": "true"})) == {str(overdue.public_id)}
    assert _ids(api.get(CLOCKS, {"overdue": "false"})) == every - {str(overdue.public_id)}
    assert _ids(api.get(CLOCKS, {"kind": "hr_approval"})) == {str(approval.public_id)}
    assert _ids(api.get(CLOCKS, {"owed_by": "hr"})) == {str(approval.public_id)}
    assert _ids(api.get(CLOCKS, {"submission": due_later.submission.public_id})) == {
        str(due_later.public_id),
        str(approval.public_id),
    }
    assert _ids(api.get(CLOCKS, {"role": overdue.submission.role.public_id})) == {
        str(overdue.public_id)
    }
    assert _ids(api.get(CLOCKS, {"client": other_client.public_id})) == {str(closed.public_id)}


def test_a_closed_clock_says_who_closed_it(api, organization, client_company, hiring_manager):
    clock = _clock(organization, client_company)
    _close(organization, clock, hiring_manager)

    body = api.get(clock_detail(clock)).json()

    assert (body["is_open"], body["is_overdue"]) == (False, False)
    assert (body["closed_by"], body["outcome"]) == (str(hiring_manager.public_id), "answered")
    assert body["closed_at"] is not None


def test_clocks_updated_since_a_moment(api, organization, client_company, hiring_manager):
    earlier = _clock(organization, client_company)
    moment = timezone.now()
    later = _clock(organization, client_company)

    assert _ids(api.get(CLOCKS, {"updated_since": moment.isoformat()})) == {str(later.public_id)}

    _close(organization, earlier, hiring_manager)
    assert _ids(api.get(CLOCKS, {"updated_since": moment.isoformat()})) == {
        str(earlier.public_id),
        str(later.public_id),
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "coffee"}, "kind"),
        ({"submission": "not-a-uuid"}, "submission"),
        ({"updated_since": "yesterday"}, "updated_since"),
    ],
)
def test_a_malformed_clock_filter_is_a_400_problem(api, params, field):
    response = api.get(CLOCKS, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_client_users_see_only_their_clients_clocks(
    request, api_for, organization, client_company, other_client, member
):
    own = _clock(organization, client_company)
    others = _clock(organization, other_client)
    client = api_for(request.getfixturevalue(member))

    assert _ids(client.get(CLOCKS)) == {str(own.public_id)}
    assert _ids(client.get(CLOCKS, {"client": other_client.public_id})) == set()
    assert client.get(clock_detail(own)).status_code == 200
    assert client.get(clock_detail(others)).status_code == 404


def test_another_organizations_key_sees_no_clocks(api_for, outsider, organization, client_company):
    clock = _clock(organization, client_company)
    client = api_for(outsider)

    assert _ids(client.get(CLOCKS)) == set()
    assert client.get(clock_detail(clock)).status_code == 404


def test_listing_clocks_takes_the_same_queries_for_many(
    api, organization, client_company, hiring_manager, django_assert_max_num_queries
):
    # Six for the key (a savepoint around its lookup, the lookup, its member, its
    # last-used time), one for the page of clocks, and one each for their submissions,
    # candidates, roles, clients and closers, prefetched for the page
    # (engagements.selectors.clock_list says why).
    budget = 12
    _close(organization, _clock(organization, client_company), hiring_manager)
    with django_assert_max_num_queries(budget):
        assert len(api.get(CLOCKS).json()["results"]) == 1

    for _ in range(15):
        _close(organization, _clock(organization, client_company), hiring_manager)
    with django_assert_max_num_queries(budget):
        assert len(api.get(CLOCKS).json()["results"]) == 16


# --- Nudges -----------------------------------------------------------------------------------


def test_a_nudge_shows_its_level_recipients_and_clock(api, organization, client_company):
    clock = _clock(organization, client_company, overdue=True)
    nudge = _nudge(organization, clock)

    response = api.get(nudge_detail(nudge))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(nudge.public_id)
    assert (body["clock"], body["submission"]) == (
        str(clock.public_id),
        str(clock.submission.public_id),
    )
    assert (body["level"], body["status"]) == (1, "pending")
    assert body["recipients"] == ["owing_party"]
    assert body["channels"] == ["email", "in_app"]
    assert body["created_at"]
    assert body["updated_at"]


def test_nudges_filter_by_clock_status_and_level(api, organization, client_company):
    first_clock = _clock(organization, client_company, overdue=True)
    first = _nudge(organization, first_clock)
    second = _nudge(organization, first_clock)
    other = _nudge(organization, _clock(organization, client_company, overdue=True))
    with organization_context(organization.id):
        Nudge.objects.filter(pk=other.pk).update(status="delivered")

    assert _ids(api.get(NUDGES, {"clock": first_clock.public_id})) == {
        str(first.public_id),
        str(second.public_id),
    }
    assert _ids(api.get(NUDGES, {"level": 2})) == {str(second.public_id)}
    assert _ids(api.get(NUDGES, {"status": "delivered"})) == {str(other.public_id)}
    assert _ids(api.get(NUDGES, {"status": "pending", "level": 1})) == {str(first.public_id)}


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_client_users_see_only_nudges_about_their_client(
    request, api_for, organization, client_company, other_client, member
):
    own = _nudge(organization, _clock(organization, client_company, overdue=True))
    others = _nudge(organization, _clock(organization, other_client, overdue=True))
    client = api_for(request.getfixturevalue(member))

    assert _ids(client.get(NUDGES)) == {str(own.public_id)}
    assert client.get(nudge_detail(own)).status_code == 200
    assert client.get(nudge_detail(others)).status_code == 404


def test_another_organizations_key_sees_no_nudges(api_for, outsider, organization, client_company):
    nudge = _nudge(organization, _clock(organization, client_company, overdue=True))
    client = api_for(outsider)

    assert _ids(client.get(NUDGES)) == set()
    assert client.get(nudge_detail(nudge)).status_code == 404


def test_listing_nudges_takes_the_same_queries_for_many(
    api, organization, client_company, django_assert_max_num_queries
):
    # Six for the key, one for the page of nudges with their clock and submission.
    budget = 7
    _nudge(organization, _clock(organization, client_company, overdue=True))
    with django_assert_max_num_queries(budget):
        assert len(api.get(NUDGES).json()["results"]) == 1

    for _ in range(15):
        _nudge(organization, _clock(organization, client_company, overdue=True))
    with django_assert_max_num_queries(budget):
        assert len(api.get(NUDGES).json()["results"]) == 16
