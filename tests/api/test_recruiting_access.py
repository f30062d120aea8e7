"""Every recruiting resource: another organization's key sees nothing, a read-only key
writes nothing, and a list costs the same queries whatever its length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lib.tenancy import organization_context
from recruiting.models import (
    Candidate,
    Client,
    Contact,
    CultureApproval,
    CultureDecision,
    CultureStatus,
    InterviewFeedback,
    InterviewOutcome,
    ReviewDecision,
    Role,
    SkillsReview,
    Stage,
    Submission,
)
from tests.factories import (
    ClientFactory,
    ContactFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = [
    "clients",
    "contacts",
    "roles",
    "candidates",
    "submissions",
    "skills-reviews",
    "culture-approvals",
    "interview-feedback",
]


def populate(organization, count: int) -> None:
    """`count` of everything, each row with every relation its serializer reads."""
    with organization_context(organization.id):
        owner = MembershipFactory(organization=organization, role="recruiter")
    for _ in range(count):
        client = ClientFactory(organization=organization, owner=owner)
        contact = ContactFactory(organization=organization, client=client)
        role = RoleFactory(
            organization=organization, client=client, hiring_manager=contact, owner=owner
        )
        submission = SubmissionFactory(
            organization=organization,
            role=role,
            submitted_by=owner,
            culture_status=CultureStatus.APPROVED,
        )
        with organization_context(organization.id):
            Client.objects.filter(pk=client.pk).update(escalation_contact=contact)
            SkillsReview.objects.create(
                organization=organization,
                submission=submission,
                reviewer=owner,
                decision=ReviewDecision.ADVANCE,
            )
            CultureApproval.objects.create(
                organization=organization,
                submission=submission,
                reviewer=owner,
                decision=CultureDecision.APPROVE,
                reviewed_notes="Fine.",
            )
            InterviewFeedback.objects.create(
                organization=organization,
                submission=submission,
                author=owner,
                stage_name="Technical interview",
                outcome=InterviewOutcome.ADVANCE,
                rating=4,
            )


def every_object(organization) -> dict[str, object]:
    with organization_context(organization.id):
        return {
            resource: model.objects.first()
            for resource, model in zip(
                RESOURCES,
                [
                    Client,
                    Contact,
                    Role,
                    Candidate,
                    Submission,
                    SkillsReview,
                    CultureApproval,
                    InterviewFeedback,
                ],
                strict=True,
            )
        }


def test_another_organizations_key_gets_empty_lists_and_404s(api_for, outsider, organization):
    populate(organization, 1)
    theirs = api_for(outsider)
    for resource, obj in every_object(organization).items():
        listed = theirs.get(f"/api/v1/{resource}/")
        assert listed.status_code == 200, resource
        assert listed.json()["results"] == [], resource
        assert theirs.get(f"/api/v1/{resource}/{obj.public_id}/").status_code == 404, resource
        filtered = theirs.get(f"/api/v1/{resource}/?updated_since=2000-01-01T00:00:00Z")
        assert filtered.json()["results"] == [], resource


def test_another_organizations_key_cannot_change_anything(api_for, outsider, organization):
    populate(organization, 1)
    objects = every_object(organization)
    theirs = api_for(outsider)
    submission = objects["submissions"].public_id
    for url in [
        f"/api/v1/clients/{objects['clients'].public_id}/",
        f"/api/v1/contacts/{objects['contacts'].public_id}/",
        f"/api/v1/roles/{objects['roles'].public_id}/",
        f"/api/v1/candidates/{objects['candidates'].public_id}/",
    ]:
        assert theirs.patch(url, {"notes": "x"}, format="json").status_code == 404, url
    for action, body in [
        (f"roles/{objects['roles'].public_id}/status", {"status": "on_hold"}),
        (f"submissions/{submission}/move", {"stage": "withdrawn", "reason": "x"}),
        (f"submissions/{submission}/culture-notes", {"culture_fit_notes": "x"}),
        (f"submissions/{submission}/answer-info-request", {"answer": "x"}),
        (f"submissions/{submission}/competing-offer-deadline", {"competing_offer_deadline": None}),
    ]:
        assert theirs.post(f"/api/v1/{action}/", body, format="json").status_code == 404, action
    review = theirs.post(
        "/api/v1/interview-feedback/",
        {"submission": str(submission), "stage_name": "x", "outcome": "advance", "rating": 3},
        format="json",
    )
    assert review.json()["errors"] == {"submission": ["No such submission."]}
    with organization_context(organization.id):
        assert Submission.objects.get().stage == Stage.HM_REVIEW
        assert InterviewFeedback.objects.count() == 1


def test_a_read_only_key_reads_but_gets_403_on_every_write(
    api_for, recruiter, organization, client_company
):
    populate(organization, 1)
    objects = every_object(organization)
    reader = api_for(recruiter, scopes=["read"])
    for resource in RESOURCES:
        assert reader.get(f"/api/v1/{resource}/").status_code == 200
    writes = [
        ("post", "/api/v1/clients/", {"name": "Initech", "timezone": "UTC"}),
        ("patch", f"/api/v1/clients/{client_company.public_id}/", {"name": "Renamed"}),
        ("put", "/api/v1/clients/by-external-id/ats/1/", {"name": "Initech", "timezone": "UTC"}),
        ("post", "/api/v1/candidates/", {"full_name": "A B", "email": "ab@mail.test"}),
        ("post", f"/api/v1/roles/{objects['roles'].public_id}/status/", {"status": "on_hold"}),
        (
            "post",
            f"/api/v1/submissions/{objects['submissions'].public_id}/move/",
            {"stage": "withdrawn", "reason": "Gone."},
        ),
    ]
    for method, url, body in writes:
        response = getattr(reader, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert "read-only" in response.json()["detail"]
    with organization_context(organization.id):
        assert not Client.objects.filter(name__in=["Initech", "Renamed"]).exists()
        assert Submission.objects.get().stage == Stage.HM_REVIEW


# A list request: the API key found (a savepoint and its release around setting its
# prefix and reading it), its member, the key's last use (recorded at most once a
# minute, so only on a first request), then the page with its relations joined in.
# Submissions read their role's, candidate's, client's and submitter's public ids by
# subqueries of the page's rows instead (recruiting.selectors.submission_queryset).
LIST_QUERIES = 7


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_list_costs_the_same_queries_whatever_its_length(
    api, organization, resource, django_assert_max_num_queries
):
    populate(organization, 2)
    api.get("/api/v1/me/")  # the key's first use is recorded; the lists below are alike
    with CaptureQueriesContext(connection) as few:
        assert len(api.get(f"/api/v1/{resource}/").json()["results"]) >= 2
    populate(organization, 8)
    with django_assert_max_num_queries(LIST_QUERIES), CaptureQueriesContext(connection) as many:
        assert len(api.get(f"/api/v1/{resource}/").json()["results"]) >= 10
    assert len(many) == len(few)


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_a_client_users_list_costs_the_same_queries(
    api_for, request, organization, client_company, member, django_assert_max_num_queries
):
    populate(organization, 2)
    client_user = api_for(request.getfixturevalue(member))
    for _ in range(6):
        SubmissionFactory(
            organization=organization,
            role=RoleFactory(organization=organization, client=client_company),
        )
    for resource in RESOURCES:
        with django_assert_max_num_queries(LIST_QUERIES):
            assert client_user.get(f"/api/v1/{resource}/").status_code == 200
