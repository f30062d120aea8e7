"""The activities resource: the activity log, read by object, verb and time."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from activity.services import activity_record
from lib.tenancy import organization_context
from tests.factories import CandidateFactory, ClientFactory, RoleFactory, SubmissionFactory

LIST = reverse("api:activity-list")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def detail(activity) -> str:
    return reverse("api:activity-detail", kwargs={"public_id": activity.public_id})


def _record(organization, *, at=None, actor=None, verb="client.updated", **objects):
    """An entry about `objects`, written at `at` (or now)."""
    with organization_context(organization.id):
        if at is None:
            return activity_record(actor=actor, verb=verb, summary=verb, **objects)
        with time_machine.travel(at, tick=False):
            return activity_record(actor=actor, verb=verb, summary=verb, **objects)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def submission(organization, client_company):
    return SubmissionFactory(
        organization=organization,
        role=RoleFactory(organization=organization, client=client_company),
    )


@pytest.fixture
def other_client(organization):
    return ClientFactory(organization=organization, name="Globex")


def test_an_activity_shows_who_did_what_to_which_objects(api, organization, recruiter, submission):
    activity = _record(
        organization,
        actor=recruiter,
        verb="submission.stage_changed",
        submission=submission,
        payload={"from": "submitted", "to": "hm_review"},
    )

    response = api.get(detail(activity))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(activity.public_id)
    assert (body["verb"], body["summary"]) == (
        "submission.stage_changed",
        "submission.stage_changed",
    )
    assert (body["actor"], body["actor_name"]) == (
        str(recruiter.public_id),
        recruiter.user.full_name,
    )
    assert body["submission"] == str(submission.public_id)
    assert body["candidate"] == str(submission.candidate.public_id)
    assert body["role"] == str(submission.role.public_id)
    assert body["client"] == str(submission.client.public_id)
    assert body["payload"] == {"from": "submitted", "to": "hm_review"}
    assert body["internal"] is False
    assert body["created_at"]
    assert body["updated_at"]


def test_the_log_lists_newest_first(api, organization, client_company):
    old = _record(organization, at=MONDAY, client=client_company)
    new = _record(organization, at=MONDAY + timedelta(hours=1), client=client_company)

    assert _ids(api.get(LIST)) == [str(new.public_id), str(old.public_id)]


def test_activities_filter_by_object(api, organization, client_company, other_client, submission):
    about_submission = _record(organization, submission=submission)
    about_role = _record(organization, verb="role.updated", role=submission.role)
    about_other_client = _record(organization, verb="client.updated", client=other_client)
    candidate = CandidateFactory(organization=organization)
    about_candidate = _record(organization, verb="candidate.created", candidate=candidate)

    def ids(**params) -> set[str]:
        return set(_ids(api.get(LIST, params)))

    assert ids(submission=submission.public_id) == {str(about_submission.public_id)}
    assert ids(role=submission.role.public_id) == {
        str(about_submission.public_id),
        str(about_role.public_id),
    }
    assert ids(client=client_company.public_id) == {
        str(about_submission.public_id),
        str(about_role.public_id),
    }
    assert ids(client=other_client.public_id) == {str(about_other_client.public_id)}
    assert ids(candidate=candidate.public_id) == {str(about_candidate.public_id)}
    assert ids(candidate=submission.candidate.public_id) == {str(about_submission.public_id)}


def test_activities_filter_by_one_verb_or_several(api, organization, client_company):
    created = _record(organization, verb="client.created", client=client_company)
    reviewed = _record(organization, verb="client.updated", client=client_company)
    _record(organization, verb="contact.created", client=client_company)

    assert _ids(api.get(LIST, {"verb": "client.updated"})) == [str(reviewed.public_id)]
    assert set(_ids(api.get(LIST, {"verb": "client.created,client.updated"}))) == {
        str(created.public_id),
        str(reviewed.public_id),
    }
    assert _ids(api.get(LIST, {"verb": "agreement.agreed"})) == []


def test_activities_filter_by_time(api, organization, client_company):
    monday = _record(organization, at=MONDAY, client=client_company)
    tuesday = _record(organization, at=MONDAY + timedelta(days=1), client=client_company)
    wednesday = _record(organization, at=MONDAY + timedelta(days=2), client=client_company)
    tuesday_midnight = datetime(2026, 3, 3, 0, 0, tzinfo=UTC).isoformat()
    wednesday_9am = (MONDAY + timedelta(days=2)).isoformat()

    assert _ids(api.get(LIST, {"since": tuesday_midnight})) == [
        str(wednesday.public_id),
        str(tuesday.public_id),
    ]
    # `until` is exclusive: an entry written at that very moment is not included.
    assert _ids(api.get(LIST, {"until": wednesday_9am})) == [
        str(tuesday.public_id),
        str(monday.public_id),
    ]
    assert _ids(api.get(LIST, {"since": tuesday_midnight, "until": wednesday_9am})) == [
        str(tuesday.public_id)
    ]
    # A time with an offset means the same instant: 10:00 in Paris is 09:00 UTC.
    assert _ids(api.get(LIST, {"since": "2026-03-04T10:00:00+01:00"})) == [str(wednesday.public_id)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "last tuesday"}, "since"),
        ({"until": "2026-13-01T00:00:00Z"}, "until"),
        ({"role": "42"}, "role"),
    ],
)
def test_a_malformed_activity_filter_is_a_400_problem(api, params, field):
    response = api.get(LIST, params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_client_users_read_only_their_clients_shared_entries(
    request, api_for, organization, recruiter, other_client, submission, member
):
    shared = _record(organization, submission=submission)
    internal = _record(
        organization,
        actor=recruiter,
        verb="submission.updated",
        submission=submission,
        internal=True,
    )
    others = _record(organization, verb="client.updated", client=other_client)
    candidate_only = _record(
        organization,
        verb="candidate.created",
        candidate=CandidateFactory(organization=organization),
    )
    client = api_for(request.getfixturevalue(member))

    assert _ids(client.get(LIST)) == [str(shared.public_id)]
    assert _ids(client.get(LIST, {"submission": submission.public_id})) == [str(shared.public_id)]
    assert client.get(detail(shared)).status_code == 200
    for hidden in (internal, others, candidate_only):
        assert client.get(detail(hidden)).status_code == 404


def test_the_agency_reads_internal_entries(api, organization, recruiter, submission):
    internal = _record(
        organization,
        actor=recruiter,
        verb="submission.updated",
        submission=submission,
        internal=True,
    )

    response = api.get(detail(internal))

    assert response.status_code == 200
    assert response.json()["internal"] is True


def test_another_organizations_key_sees_no_activities(api_for, outsider, organization, submission):
    activity = _record(organization, submission=submission)
    client = api_for(outsider)

    assert _ids(client.get(LIST)) == []
    assert _ids(client.get(LIST, {"submission": submission.public_id})) == []
    assert client.get(detail(activity)).status_code == 404


def test_listing_activities_takes_the_same_queries_for_many(
    api, organization, recruiter, client_company, django_assert_max_num_queries
):
    # Six for the key (a savepoint around its lookup, the lookup, its member, its
    # last-used time), one for the page of entries with their actor and objects.
    budget = 7

    def record_some(count: int) -> None:
        for _ in range(count):
            submission = SubmissionFactory(
                organization=organization,
                role=RoleFactory(organization=organization, client=client_company),
            )
            _record(organization, actor=recruiter, submission=submission)

    record_some(1)
    with django_assert_max_num_queries(budget):
        assert len(api.get(LIST).json()["results"]) == 1

    record_some(15)
    with django_assert_max_num_queries(budget):
        assert len(api.get(LIST).json()["results"]) == 16
