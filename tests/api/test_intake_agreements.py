"""The agreements resource: list, read, propose a version, acknowledge, comment."""

import datetime
from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone

from activity.models import Activity
from intake import services
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    AgreementStatus,
    ExpectationAgreement,
)
from lib.tenancy import organization_context
from recruiting.models import Role
from tests.factories import AgreementFactory, ClientFactory, ContactFactory, RoleFactory

LIST = reverse("api:agreement-list")


def detail(agreement) -> str:
    return reverse("api:agreement-detail", kwargs={"public_id": agreement.public_id})


def acknowledge(agreement) -> str:
    return reverse("api:agreement-acknowledge", kwargs={"public_id": agreement.public_id})


def comments(agreement) -> str:
    return reverse("api:agreement-comments", kwargs={"public_id": agreement.public_id})


def terms(**overrides) -> dict:
    """A complete set of terms, as JSON."""
    base = {
        "submissions_per_week": 3,
        "shortlist_size": 6,
        "checkin_cadence": "fortnightly",
        "checkin_weekday": 3,
        "checkin_time": "09:30",
        "interview_stages": [
            {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3},
            {"name": "Culture interview", "owner": "hr", "expected_days": 2},
        ],
        "hm_review_sla_hours": 16,
        "hr_approval_sla_hours": 8,
        "interview_feedback_sla_hours": 24,
        "offer_decision_sla_hours": 48,
        "culture_notes_need_hr_approval": True,
        "must_haves": ["Python", "PostgreSQL"],
        "nice_to_haves": ["Celery"],
        "deal_breakers": ["No remote"],
        "culture_traits": ["Writes things down"],
        "glossary": [{"term": "senior", "meaning": "five years shipping production code"}],
        "talent_scarcity": "scarce",
        "salary_position": "below",
        "expected_days_to_fill": 60,
        "market_notes": "Few candidates with both.",
    }
    return base | overrides


@pytest.fixture
def role(organization, client_company, hm_contact, hr_contact):
    return RoleFactory(
        organization=organization,
        client=client_company,
        title="Staff backend engineer",
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
    )


@pytest.fixture
def other_client_role(organization):
    """A role of another client of the same agency."""
    return RoleFactory(
        organization=organization, client=ClientFactory(organization=organization, name="Globex")
    )


@pytest.fixture
def proposal(organization, role):
    return AgreementFactory(
        organization=organization, role=role, version=1, status=AgreementStatus.PROPOSED
    )


@pytest.fixture
def other_client_proposal(organization, other_client_role):
    return AgreementFactory(
        organization=organization,
        role=other_client_role,
        version=1,
        status=AgreementStatus.PROPOSED,
    )


def _versions(organization, role) -> list[tuple[int, str]]:
    with organization_context(organization.id):
        return list(
            ExpectationAgreement.objects.filter(role=role)
            .order_by("version")
            .values_list("version", "status")
        )


def _acknowledgements(organization, agreement) -> int:
    with organization_context(organization.id):
        return AgreementAcknowledgement.objects.filter(agreement=agreement).count()


# --- Reading ------------------------------------------------------------------------------


def test_list_shows_every_version_with_its_terms(api, organization, role, proposal):
    response = api.get(LIST)

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == str(proposal.public_id)
    assert item["role"] == str(role.public_id)
    assert item["client"] == str(role.client.public_id)
    assert (item["version"], item["status"]) == (1, "proposed")
    assert item["must_haves"] == ["Python", "PostgreSQL"]
    assert item["interview_stages"][1] == {
        "name": "Culture interview",
        "owner": "hr",
        "expected_days": 2,
    }
    assert item["checkin_time"] == "10:00:00"
    assert item["created_at"]
    assert item["updated_at"]


def test_detail_shows_the_terms_the_meeting_and_the_discussion(
    api_for, organization, role, hm_contact, recruiter, hiring_manager
):
    with organization_context(organization.id):
        agreement = services.intake_meeting_record(
            actor=recruiter,
            role=role,
            held_at=timezone.now() - datetime.timedelta(days=1),
            attendees=[hm_contact],
            notes="Hana wants Go experience too.",
            terms={**terms(), "checkin_time": datetime.time(9, 30)},
        )
        services.agreement_acknowledge(actor=hiring_manager, agreement=agreement, comment="Fine")
        services.agreement_comment(actor=hiring_manager, agreement=agreement, body="Go, maybe?")

    response = api_for(hiring_manager).get(detail(agreement))

    assert response.status_code == 200
    body = response.json()
    assert body["proposed_by"] == str(recruiter.public_id)
    assert body["intake_meeting"]["notes"] == "Hana wants Go experience too."
    assert body["intake_meeting"]["attendees"] == [
        {"id": str(hm_contact.public_id), "full_name": "Hana Meyer"}
    ]
    assert [(a["party"], a["member"], a["comment"]) for a in body["acknowledgements"]] == [
        ("hiring_manager", str(hiring_manager.public_id), "Fine")
    ]
    assert [(c["author"], c["body"]) for c in body["comments"]] == [
        (str(hiring_manager.public_id), "Go, maybe?")
    ]
    assert body["glossary"] == [
        {"term": "senior", "meaning": "five years shipping production code"}
    ]
    assert (body["talent_scarcity"], body["salary_position"]) == ("scarce", "below")
    assert (body["checkin_cadence"], body["checkin_weekday"]) == ("fortnightly", 3)


def test_list_filters_by_role_client_and_status(
    api, organization, role, proposal, other_client_role, other_client_proposal
):
    agreed = AgreementFactory(organization=organization, role=other_client_role, version=2)

    def ids(**params) -> set[str]:
        response = api.get(LIST, params)
        assert response.status_code == 200
        return {item["id"] for item in response.json()["results"]}

    assert ids(role=role.public_id) == {str(proposal.public_id)}
    assert ids(client=other_client_role.client.public_id) == {
        str(other_client_proposal.public_id),
        str(agreed.public_id),
    }
    assert ids(status="agreed") == {str(agreed.public_id)}
    assert ids(status="proposed", role=other_client_role.public_id) == {
        str(other_client_proposal.public_id)
    }


def test_an_unknown_status_filter_is_a_400_problem(api, proposal):
    response = api.get(LIST, {"status": "pending"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "status" in response.json()["errors"]


# --- Proposing --------------------------------------------------------------------------


def test_recruiter_proposes_a_roles_first_version(api, organization, role, recruiter):
    response = api.post(LIST, {"role": str(role.public_id), **terms()}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["status"]) == (1, "proposed")
    assert body["proposed_by"] == str(recruiter.public_id)
    assert body["deal_breakers"] == ["No remote"]
    assert body["checkin_time"] == "09:30:00"
    assert _versions(organization, role) == [(1, "proposed")]
    with organization_context(organization.id):
        assert Activity.objects.filter(role=role, verb="agreement.proposed").count() == 1


def test_a_revision_sends_only_what_changes(api, organization, role, proposal):
    response = api.post(
        LIST,
        {"role": str(role.public_id), "hm_review_sla_hours": 8, "nice_to_haves": []},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["hm_review_sla_hours"], body["nice_to_haves"]) == (2, 8, [])
    # Everything else is copied from version 1.
    assert body["must_haves"] == proposal.must_haves
    assert body["interview_stages"] == proposal.interview_stages
    assert body["glossary"] == proposal.glossary
    assert _versions(organization, role) == [(1, "superseded"), (2, "proposed")]


def test_terms_identical_to_the_newest_version_are_refused(api, organization, role, proposal):
    response = api.post(LIST, {"role": str(role.public_id), "shortlist_size": 5}, format="json")

    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "invalid"
    assert "same as version 1" in problem["errors"]["non_field_errors"][0]
    assert _versions(organization, role) == [(1, "proposed")]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"submissions_per_week": 0}, "submissions_per_week", "greater than or equal to 1"),
        ({"checkin_cadence": "daily"}, "checkin_cadence", "not a valid choice"),
        ({"checkin_time": "half past nine"}, "checkin_time", "Time has wrong format"),
        ({"must_haves": []}, "must_haves", "may not be empty"),
        ({"must_haves": ["  "]}, "must_haves.0", "may not be blank"),
        (
            {
                "interview_stages": [
                    {"name": "Panel", "expected_days": 3},
                    {"name": "Panel", "expected_days": 2},
                ]
            },
            "interview_stages",
            "appears twice",
        ),
        (
            {"interview_stages": [{"name": "Panel", "expected_days": 90}]},
            "interview_stages",
            "expect 1 to 60 days",
        ),
        (
            {"interview_stages": [{"name": "Panel", "owner": "ceo", "expected_days": 3}]},
            "interview_stages.0.owner",
            "not a valid choice",
        ),
        ({"interview_stages": []}, "interview_stages", "at least one interview stage"),
        ({"glossary": [{"term": "senior"}]}, "glossary.0.meaning", "required"),
        ({"role": str(uuid4())}, "role", "No such role."),
    ],
)
def test_invalid_terms_are_a_400_problem_by_field_and_store_nothing(
    api, organization, role, changes, field, message
):
    response = api.post(LIST, {"role": str(role.public_id), **terms(), **changes}, format="json")

    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert message in " ".join(errors.get(field, [])), errors
    assert _versions(organization, role) == []


def test_a_first_version_names_the_terms_it_lacks(api, organization, role):
    response = api.post(
        LIST,
        {"role": str(role.public_id), "must_haves": ["Python"]},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "submissions_per_week",
        "shortlist_size",
        "checkin_time",
        "hm_review_sla_hours",
        "hr_approval_sla_hours",
        "interview_feedback_sla_hours",
        "expected_days_to_fill",
    }
    assert _versions(organization, role) == []


def test_a_role_of_another_client_or_agency_is_no_such_role(
    api_for, organization, outsider, other_client_role, hiring_manager
):
    foreign_role = RoleFactory(organization=outsider.organization)

    for member, target in ((hiring_manager, other_client_role), (outsider, other_client_role)):
        response = api_for(member).post(
            LIST, {"role": str(target.public_id), **terms()}, format="json"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"role": ["No such role."]}
    response = api_for(hiring_manager).post(
        LIST, {"role": str(foreign_role.public_id), **terms()}, format="json"
    )
    assert response.json()["errors"] == {"role": ["No such role."]}


def test_hiring_manager_cannot_propose_for_their_own_clients_role(
    api_for, organization, role, hiring_manager
):
    response = api_for(hiring_manager).post(
        LIST, {"role": str(role.public_id), **terms()}, format="json"
    )

    assert response.status_code == 403
    assert _versions(organization, role) == []


def test_a_read_key_cannot_propose(api_for, organization, role, recruiter):
    response = api_for(recruiter, scopes=("read",)).post(
        LIST, {"role": str(role.public_id), **terms()}, format="json"
    )

    assert response.status_code == 403
    assert _versions(organization, role) == []


# --- Acknowledging and commenting ---------------------------------------------------------


def test_hiring_manager_and_hr_acknowledge_and_the_version_is_in_force(
    api_for, organization, role, proposal, hiring_manager, hr
):
    first = api_for(hiring_manager).post(acknowledge(proposal), {"comment": "OK"}, format="json")

    assert first.status_code == 200, first.json()
    assert first.json()["status"] == "proposed"
    assert [a["party"] for a in first.json()["acknowledgements"]] == ["hiring_manager"]

    second = api_for(hr).post(acknowledge(proposal), format="json")

    assert second.status_code == 200
    assert second.json()["status"] == "agreed"
    assert second.json()["agreed_at"] is not None
    with organization_context(organization.id):
        assert Role.objects.get(pk=role.pk).agreement_id == proposal.pk


def test_recruiter_cannot_acknowledge(api, organization, proposal):
    response = api.post(acknowledge(proposal), format="json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert _acknowledgements(organization, proposal) == 0


def test_acknowledging_twice_is_a_conflict(api_for, organization, proposal, hiring_manager):
    client = api_for(hiring_manager)
    assert client.post(acknowledge(proposal), format="json").status_code == 200

    again = client.post(acknowledge(proposal), format="json")

    assert again.status_code == 409
    assert "already acknowledged" in again.json()["detail"]


def test_an_agreed_version_cannot_be_acknowledged(api_for, organization, role, hiring_manager):
    agreed = AgreementFactory(organization=organization, role=role, version=1)

    response = api_for(hiring_manager).post(acknowledge(agreed), format="json")

    assert response.status_code == 409


def test_hiring_manager_comments_on_a_proposal(api_for, organization, proposal, hiring_manager):
    response = api_for(hiring_manager).post(
        comments(proposal), {"body": "  Can we add Go?  "}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["author"], body["body"]) == (str(hiring_manager.public_id), "Can we add Go?")
    assert body["created_at"]
    assert body["updated_at"]
    with organization_context(organization.id):
        assert AgreementComment.objects.filter(agreement=proposal).count() == 1


@pytest.mark.parametrize(
    "body", [{}, {"body": ""}, {"body": "   "}, {"body": "\u200b"}, {"body": "x" * 10_001}]
)
def test_an_empty_or_overlong_comment_is_a_400_problem(api, organization, proposal, body):
    response = api.post(comments(proposal), body, format="json")

    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    with organization_context(organization.id):
        assert not AgreementComment.objects.exists()


# --- Who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["hiring_manager", "hr"])
def test_client_users_see_only_their_clients_agreements(
    request, api_for, organization, proposal, other_client_proposal, member
):
    client = api_for(request.getfixturevalue(member))

    listed = client.get(LIST).json()["results"]
    assert [item["id"] for item in listed] == [str(proposal.public_id)]
    assert client.get(detail(proposal)).status_code == 200
    assert client.get(detail(other_client_proposal)).status_code == 404
    assert client.post(acknowledge(other_client_proposal), format="json").status_code == 404
    assert (
        client.post(comments(other_client_proposal), {"body": "Hi"}, format="json").status_code
        == 404
    )
    assert _acknowledgements(organization, other_client_proposal) == 0


def test_another_organizations_key_gets_404_and_an_empty_list(api_for, outsider, proposal):
    client = api_for(outsider)

    assert client.get(LIST).json()["results"] == []
    assert client.get(detail(proposal)).status_code == 404
    assert client.post(acknowledge(proposal), format="json").status_code == 404
    assert client.post(comments(proposal), {"body": "Hi"}, format="json").status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def _discussed_versions(organization, recruiter, hiring_manager, count: int) -> None:
    """`count` roles, each with an intake meeting's version acknowledged and commented on."""
    client = ClientFactory(organization=organization)
    contact = ContactFactory(organization=organization, client=client)
    for _ in range(count):
        role = RoleFactory(organization=organization, client=client)
        with organization_context(organization.id):
            agreement = services.intake_meeting_record(
                actor=recruiter,
                role=role,
                held_at=timezone.now() - datetime.timedelta(days=1),
                attendees=[contact],
                notes="",
                terms={**terms(), "checkin_time": datetime.time(9, 30)},
            )
            services.agreement_comment(actor=recruiter, agreement=agreement, body="Ready")


def test_listing_agreements_takes_the_same_queries_for_many(
    api, organization, recruiter, hiring_manager, django_assert_max_num_queries
):
    # Six for the key (a savepoint around its lookup, the lookup, its member, its
    # last-used time); the page of versions with their role, client, proposer and
    # meeting; then acknowledgements, comments and attendance, one query each.
    budget = 10
    _discussed_versions(organization, recruiter, hiring_manager, 2)
    with django_assert_max_num_queries(budget):
        assert len(api.get(LIST).json()["results"]) == 2

    _discussed_versions(organization, recruiter, hiring_manager, 20)
    with django_assert_max_num_queries(budget):
        assert len(api.get(LIST).json()["results"]) == 22
