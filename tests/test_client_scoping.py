"""A hiring manager or HR user sees their own client's submissions and never another
client's of the same agency: in the selectors' lists, on the queue pages, on the
submission page and through the API.

Every check has its counterpart showing the other client's submissions are really
there to be seen (by the agency, or by that client's own people), so an empty answer
is the scoping's doing and not an empty fixture's.
"""

import pytest

from engagements import selectors as queues
from engagements.models import ClockKind
from lib.tenancy import organization_context
from recruiting import selectors, services
from recruiting.models import CultureStatus, ReviewDecision, SkillsReview, Stage, Submission
from tests.api.conftest import issue_key, key_client
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
)

CLIENT_USERS = ["hiring_manager", "hr"]


def _submissions(organization, client, recruiter) -> dict[str, Submission]:
    """One submission of `client` on each list a client user or the agency works from."""
    role = RoleFactory(organization=organization, client=client)
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])

        def submit(**kwargs):
            return services.submission_create(
                actor=recruiter,
                role=role,
                candidate=CandidateFactory(organization=organization),
                pitch="Rebuilt the billing platform.",
                **kwargs,
            )

        # In review with no clock running: the hiring manager asked for information.
        asked = SubmissionFactory(organization=organization, role=role, stage=Stage.HM_REVIEW)
        SkillsReview.objects.create(
            organization=organization, submission=asked, decision=ReviewDecision.NEED_INFO
        )
        return {
            # Waits for the hiring manager's skills review, its clock running.
            "review": submit(),
            # Its culture-fit notes wait for HR.
            "approval": submit(culture_fit_notes="Calm under pressure."),
            "info": asked,
            # HR sent the notes back to the recruiter.
            "changes": SubmissionFactory(
                organization=organization,
                role=role,
                stage=Stage.SUBMITTED,
                culture_fit_notes="Nice.",
                culture_status=CultureStatus.CHANGES_REQUESTED,
            ),
        }


@pytest.fixture
def other_client(organization):
    return ClientFactory(organization=organization, name="Globex Logistics")


@pytest.fixture
def ours(organization, client_company, recruiter):
    return _submissions(organization, client_company, recruiter)


@pytest.fixture
def theirs(organization, other_client, recruiter):
    return _submissions(organization, other_client, recruiter)


@pytest.fixture
def their_people(organization, other_client):
    """The other client's own hiring manager and HR user."""
    return {
        kind: MembershipFactory(organization=organization, role=kind, client=other_client)
        for kind in CLIENT_USERS
    }


def _pks(submissions) -> set[int]:
    return {submission.pk for submission in submissions}


def _queue(member, kind) -> list:
    return [clock.submission for clock in queues.queue_page(membership=member, kind=kind).items]


# --- Selectors --------------------------------------------------------------------------

LISTS = {
    "hm_review_queue": lambda member: _queue(member, ClockKind.HM_REVIEW),
    "hr_approval_queue": lambda member: _queue(member, ClockKind.HR_APPROVAL),
    "info_requested": lambda member: queues.info_requested(membership=member).items,
    "changes_requested": lambda member: selectors.changes_requested(membership=member).items,
    "submission_queryset": lambda member: selectors.submission_queryset(membership=member),
}


@pytest.mark.parametrize("selector", sorted(LISTS))
@pytest.mark.parametrize("kind", CLIENT_USERS)
def test_a_client_user_finds_no_other_clients_submission_in_a_submission_list(
    request, recruiter, ours, theirs, kind, selector
):
    member = request.getfixturevalue(kind)
    with organization_context(member.organization_id):
        agency_sees = _pks(LISTS[selector](recruiter))
        member_sees = _pks(LISTS[selector](member))
    assert agency_sees & _pks(theirs.values()), "the other client's submissions are listed"
    assert member_sees == agency_sees & _pks(ours.values())


@pytest.mark.parametrize("kind", CLIENT_USERS)
def test_a_client_user_cannot_get_another_clients_submission_by_its_id(request, ours, theirs, kind):
    member = request.getfixturevalue(kind)
    with organization_context(member.organization_id):
        for submission in theirs.values():
            with pytest.raises(Submission.DoesNotExist):
                selectors.submission_get(membership=member, public_id=submission.public_id)
            assert (
                list(
                    selectors.candidate_submissions(
                        membership=member, candidate=submission.candidate
                    )
                )
                == []
            )
        own = ours["review"]
        assert selectors.submission_get(membership=member, public_id=own.public_id) == own


# --- Pages ------------------------------------------------------------------------------

QUEUES = {"hiring_manager": ("/review-queue/", "review"), "hr": ("/approvals/", "approval")}


@pytest.mark.parametrize("kind", CLIENT_USERS)
def test_a_client_users_queue_page_shows_no_other_clients_submission(
    request, client_for, ours, theirs, their_people, kind
):
    url, waiting = QUEUES[kind]
    page = client_for(request.getfixturevalue(kind)).get(url).content.decode()
    their_page = client_for(their_people[kind]).get(url).content.decode()

    assert str(theirs[waiting].public_id) in their_page
    assert str(ours[waiting].public_id) in page
    for submission in theirs.values():
        assert str(submission.public_id) not in page
        assert submission.candidate.full_name not in page


@pytest.mark.parametrize("kind", CLIENT_USERS)
def test_a_client_user_gets_404_for_another_clients_submission_page(
    request, client_for, ours, theirs, their_people, kind
):
    browser = client_for(request.getfixturevalue(kind))
    for submission in theirs.values():
        url = f"/submissions/{submission.public_id}/"
        assert browser.get(url).status_code == 404
        assert client_for(their_people[kind]).get(url).status_code == 200
    assert browser.get(f"/submissions/{ours['review'].public_id}/").status_code == 200


# --- API --------------------------------------------------------------------------------


def _listed(api) -> set[str]:
    response = api.get("/api/v1/submissions/", {"limit": 100})
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None, "one page holds every submission here"
    return {item["id"] for item in body["results"]}


def _ids(submissions) -> set[str]:
    return {str(submission.public_id) for submission in submissions}


@pytest.mark.parametrize("kind", CLIENT_USERS)
def test_a_client_users_api_key_lists_no_other_clients_submission(
    request, recruiter, ours, theirs, kind
):
    agency_lists = _listed(key_client(issue_key(recruiter)))
    member_lists = _listed(key_client(issue_key(request.getfixturevalue(kind), scopes=["read"])))

    assert _ids(theirs.values()) <= agency_lists
    assert member_lists == _ids(ours.values())


@pytest.mark.parametrize("kind", CLIENT_USERS)
def test_a_client_users_api_key_gets_404_for_another_clients_submission(
    request, recruiter, ours, theirs, kind
):
    api = key_client(issue_key(request.getfixturevalue(kind), scopes=["read"]))
    agency = key_client(issue_key(recruiter))
    for submission in theirs.values():
        url = f"/api/v1/submissions/{submission.public_id}/"
        assert api.get(url).status_code == 404
        assert agency.get(url).status_code == 200
    assert api.get(f"/api/v1/submissions/{ours['review'].public_id}/").status_code == 200
