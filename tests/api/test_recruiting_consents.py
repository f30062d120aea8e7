"""A candidate's consent records over the API, and the rule that submissions need it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lib.tenancy import organization_context
from recruiting.models import Candidate, ConsentRecord, Stage
from tests.factories import CandidateFactory, ConsentRecordFactory, RoleFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(organization):
    return CandidateFactory(organization=organization, consent_to_represent=False)


def _url(candidate) -> str:
    return f"/api/v1/candidates/{candidate.public_id}/consents/"


def _stored(candidate) -> Candidate:
    with organization_context(candidate.organization_id):
        return Candidate.objects.get(pk=candidate.pk)


def test_a_recruiter_records_consent_and_reads_the_history_newest_first(api, recruiter, candidate):
    given = api.post(
        _url(candidate),
        {"purpose": "represent", "granted": True, "method": "email", "note": "Reply of 3 Dec."},
        format="json",
    )
    withdrawn = api.post(
        _url(candidate), {"purpose": "store", "granted": False, "method": "call"}, format="json"
    )
    history = api.get(_url(candidate))

    assert given.status_code == 201, given.content
    body = given.json()
    assert body["purpose"] == "represent"
    assert body["granted"] is True
    assert body["method"] == "email"
    assert body["recorded_by"] == str(recruiter.public_id)
    assert body["ip_address"] is None
    assert withdrawn.status_code == 201
    assert history.status_code == 200
    assert [item["id"] for item in history.json()["results"]] == [
        withdrawn.json()["id"],
        body["id"],
    ]
    candidate_now = api.get(f"/api/v1/candidates/{candidate.public_id}/").json()
    assert candidate_now["consent_to_represent"] is True
    assert candidate_now["consent_recorded_at"] == body["effective_at"]
    assert candidate_now["consent_to_store"] is False


def test_the_history_is_paged(api, organization, candidate):
    for days in range(5):
        ConsentRecordFactory(
            organization=organization,
            candidate=candidate,
            effective_at=timezone.now() - timedelta(days=days),
        )

    first = api.get(_url(candidate), {"limit": 3}).json()
    second = api.get(first["next"]).json()

    assert len(first["results"]) == 3
    assert len(second["results"]) == 2
    assert second["next"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "marketing", "granted": True, "method": "call"}, "purpose"),
        ({"purpose": "represent", "granted": True, "method": "link"}, "method"),
        ({"purpose": "represent", "granted": True, "method": "migrated"}, "method"),
        ({"purpose": "represent", "method": "call"}, "granted"),
        ({"purpose": "represent", "granted": True, "method": "call", "note": "x" * 1001}, "note"),
        (
            {
                "purpose": "represent",
                "granted": True,
                "method": "call",
                "effective_at": (timezone.now() + timedelta(days=2)).isoformat(),
            },
            "effective_at",
        ),
    ],
)
def test_a_bad_record_is_a_400_on_its_field(api, candidate, body, field):
    response = api.post(_url(candidate), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    with organization_context(candidate.organization_id):
        assert not ConsentRecord.objects.filter(candidate=candidate).exists()


def test_a_hiring_manager_can_neither_read_nor_record_consent(
    api_for, hiring_manager, organization, client_company, candidate
):
    ConsentRecordFactory(organization=organization, candidate=candidate)
    role = RoleFactory(organization=organization, client=client_company)
    SubmissionFactory(organization=organization, role=role, candidate=candidate)
    theirs = api_for(hiring_manager)

    read = theirs.get(_url(candidate))
    written = theirs.post(
        _url(candidate), {"purpose": "represent", "granted": False, "method": "call"}, format="json"
    )

    assert read.status_code == 403
    assert written.status_code == 403
    with organization_context(organization.id):
        assert ConsentRecord.objects.filter(candidate=candidate).count() == 1


def test_another_organizations_key_gets_404(api_for, outsider, candidate):
    theirs = api_for(outsider)

    assert theirs.get(_url(candidate)).status_code == 404
    written = theirs.post(
        _url(candidate), {"purpose": "represent", "granted": True, "method": "call"}, format="json"
    )
    assert written.status_code == 404
    assert not _stored(candidate).consent_to_represent


def test_a_submission_of_a_candidate_without_current_consent_is_a_400_on_candidate(
    api, organization, candidate
):
    role = RoleFactory(organization=organization)
    api.post(
        _url(candidate), {"purpose": "represent", "granted": True, "method": "call"}, format="json"
    )
    api.post(
        _url(candidate), {"purpose": "represent", "granted": False, "method": "call"}, format="json"
    )

    response = api.post(
        "/api/v1/submissions/",
        {"role": str(role.public_id), "candidate": str(candidate.public_id), "pitch": "Fit."},
        format="json",
    )

    assert response.status_code == 400
    [message] = response.json()["errors"]["candidate"]
    assert "has not agreed to be represented" in message


def test_after_a_withdrawal_moving_a_submission_on_is_a_409_and_closing_it_is_allowed(
    api, organization, candidate
):
    ConsentRecordFactory(organization=organization, candidate=candidate)
    offered = SubmissionFactory(
        organization=organization, candidate=candidate, stage=Stage.INTERVIEWING
    )
    api.post(
        _url(candidate), {"purpose": "represent", "granted": False, "method": "call"}, format="json"
    )

    moved = api.post(
        f"/api/v1/submissions/{offered.public_id}/move/", {"stage": "offer"}, format="json"
    )
    closed = api.post(
        f"/api/v1/submissions/{offered.public_id}/move/",
        {"stage": "withdrawn", "reason": "The candidate withdrew their consent."},
        format="json",
    )

    assert moved.status_code == 409
    assert "withdrew their consent" in moved.json()["detail"]
    assert closed.status_code == 200
    assert closed.json()["stage"] == "withdrawn"
