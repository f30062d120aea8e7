"""The permission matrix and the stage machine hold over the API as they do in the services.

One parametrized test: for every role of the cast and every stage move (from each
stage to each stage) and every other write on the recruiting resources, the API's
status code is the one that `accounts.permissions.MATRIX`, `STAGE_MOVES` and
`MOVE_ROLES` give: 403 when the role may not, 409 when the current state does not
allow it, success otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import Action, can
from lib.tenancy import organization_context
from recruiting.models import CultureStatus, Stage, Submission
from recruiting.stages import MOVE_ROLES, STAGE_MOVES
from tests.factories import CandidateFactory, RoleFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

CAST = ["owner", "admin", "recruiter", "hiring_manager", "hr"]


@dataclass(frozen=True)
class Attempt:
    """One write, made on a fresh submission of the cast's client in `stage` (with its
    culture-fit notes in `culture`); `state_allows` says whether the state permits it,
    so the answer depends on the role alone."""

    name: str
    action: Action
    request: Callable[[dict], tuple[str, str, dict]]  # objects → (method, url, body)
    stage: str = Stage.HM_REVIEW
    culture: str = CultureStatus.NOT_REQUIRED
    success: int = 200
    state_allows: bool = True

    def expected(self, role: str) -> int:
        if not can_as(role, self.action):
            return 403
        return self.success if self.state_allows else 409


def can_as(role: str, action: Action) -> bool:
    return can(Membership(role=role), action)


def expected_move(role: str, from_stage: str, to_stage: str) -> int:
    if to_stage == Stage.INTERVIEWING:
        return 403  # reached only through the hiring manager's skills review
    if to_stage not in STAGE_MOVES[from_stage]:
        return 409
    return 200 if role in MOVE_ROLES[to_stage] else 403


def _move(to_stage: str):
    return lambda o: (
        "post",
        f"/api/v1/submissions/{o['submission'].public_id}/move/",
        {"stage": to_stage, "reason": "Recorded.", "lost_reason": "other"},
    )


def _review(o):
    body = {"submission": str(o["submission"].public_id), "decision": "advance"}
    return "post", "/api/v1/skills-reviews/", body


def _approval(o):
    body = {"submission": str(o["submission"].public_id), "decision": "approve"}
    return "post", "/api/v1/culture-approvals/", body


def _feedback(o):
    body = {
        "submission": str(o["submission"].public_id),
        "stage_name": "Technical interview",
        "outcome": "hold",
        "rating": 3,
    }
    return "post", "/api/v1/interview-feedback/", body


def _submission_action(path: str, body: dict):
    return lambda o: ("post", f"/api/v1/submissions/{o['submission'].public_id}/{path}/", body)


SOON = (timezone.now() + timedelta(days=30)).isoformat()

ATTEMPTS = [
    # The client's answers, in a state that awaits them and in one that does not.
    Attempt("skills review", Action.REVIEW_SKILLS, _review, success=201),
    Attempt(
        "skills review too early",
        Action.REVIEW_SKILLS,
        _review,
        stage=Stage.SUBMITTED,
        state_allows=False,
    ),
    Attempt(
        "culture approval",
        Action.APPROVE_CULTURE_NOTES,
        _approval,
        stage=Stage.SUBMITTED,
        culture=CultureStatus.PENDING,
        success=201,
    ),
    Attempt(
        "culture approval of approved notes",
        Action.APPROVE_CULTURE_NOTES,
        _approval,
        culture=CultureStatus.APPROVED,
        state_allows=False,
    ),
    Attempt(
        "interview feedback",
        Action.LOG_PIPELINE_EVENTS,
        _feedback,
        stage=Stage.INTERVIEWING,
        success=201,
    ),
    Attempt(
        "interview feedback in review", Action.LOG_PIPELINE_EVENTS, _feedback, state_allows=False
    ),
    # The recruiter's side of a submission.
    Attempt(
        "revise culture notes",
        Action.CREATE_SUBMISSION,
        _submission_action("culture-notes", {"culture_fit_notes": "Mentors juniors."}),
        culture=CultureStatus.CHANGES_REQUESTED,
    ),
    Attempt(
        "revise approved culture notes",
        Action.CREATE_SUBMISSION,
        _submission_action("culture-notes", {"culture_fit_notes": "Mentors juniors."}),
        culture=CultureStatus.APPROVED,
        state_allows=False,
    ),
    Attempt(
        "answer an info request",
        Action.CREATE_SUBMISSION,
        _submission_action("answer-info-request", {"answer": "Yes, she has."}),
    ),
    Attempt(
        "answer an info request when interviewing",
        Action.CREATE_SUBMISSION,
        _submission_action("answer-info-request", {"answer": "Yes, she has."}),
        stage=Stage.INTERVIEWING,
        state_allows=False,
    ),
    Attempt(
        "competing offer deadline",
        Action.CREATE_SUBMISSION,
        _submission_action("competing-offer-deadline", {"competing_offer_deadline": SOON}),
    ),
    Attempt(
        "submit a candidate",
        Action.CREATE_SUBMISSION,
        lambda o: (
            "post",
            "/api/v1/submissions/",
            {
                "role": str(o["role"].public_id),
                "candidate": str(o["fresh"].public_id),
                "pitch": "Fit.",
            },
        ),
        success=201,
    ),
    Attempt(
        "submit to a role on hold",
        Action.CREATE_SUBMISSION,
        lambda o: (
            "post",
            "/api/v1/submissions/",
            {
                "role": str(o["on_hold"].public_id),
                "candidate": str(o["fresh"].public_id),
                "pitch": "Fit.",
            },
        ),
        state_allows=False,
    ),
    Attempt(
        "upsert a submission",
        Action.CREATE_SUBMISSION,
        lambda o: (
            "put",
            "/api/v1/submissions/by-external-id/ats/app-1/",
            {
                "role": str(o["role"].public_id),
                "candidate": str(o["fresh"].public_id),
                "pitch": "Fit.",
            },
        ),
        success=201,
    ),
    # Clients, contacts, roles and candidates.
    Attempt(
        "create a client",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: ("post", "/api/v1/clients/", {"name": "Initech", "timezone": "UTC"}),
        success=201,
    ),
    Attempt(
        "edit the client",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: ("patch", f"/api/v1/clients/{o['client'].public_id}/", {"website": ""}),
    ),
    Attempt(
        "upsert a client",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: (
            "put",
            "/api/v1/clients/by-external-id/ats/c-1/",
            {"name": "Initech", "timezone": "UTC"},
        ),
        success=201,
    ),
    Attempt(
        "add a contact",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: (
            "post",
            "/api/v1/contacts/",
            {"client": str(o["client"].public_id), "kind": "other", "full_name": "Sam Poe"},
        ),
        success=201,
    ),
    Attempt(
        "edit a contact",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: ("patch", f"/api/v1/contacts/{o['contact'].public_id}/", {"phone": "555"}),
    ),
    Attempt(
        "open a role",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: (
            "post",
            "/api/v1/roles/",
            {"client": str(o["client"].public_id), "title": "SRE"},
        ),
        success=201,
    ),
    Attempt(
        "edit the role",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: ("patch", f"/api/v1/roles/{o['role'].public_id}/", {"openings": 2}),
    ),
    Attempt(
        "put the role on hold",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: ("post", f"/api/v1/roles/{o['role'].public_id}/status/", {"status": "on_hold"}),
    ),
    Attempt(
        "fill a role that is on hold",
        Action.EDIT_CLIENTS_AND_ROLES,
        lambda o: ("post", f"/api/v1/roles/{o['on_hold'].public_id}/status/", {"status": "filled"}),
        state_allows=False,
    ),
    Attempt(
        "add a candidate",
        Action.EDIT_CANDIDATES,
        lambda o: ("post", "/api/v1/candidates/", {"full_name": "A B", "email": "ab@mail.test"}),
        success=201,
    ),
    Attempt(
        "edit the submitted candidate",
        Action.EDIT_CANDIDATES,
        lambda o: ("patch", f"/api/v1/candidates/{o['candidate'].public_id}/", {"phone": "555"}),
    ),
    Attempt(
        "upsert a candidate",
        Action.EDIT_CANDIDATES,
        lambda o: (
            "put",
            "/api/v1/candidates/by-external-id/ats/p-1/",
            {"full_name": "A B", "email": "ab@mail.test"},
        ),
        success=201,
    ),
]

MOVES = [
    Attempt(
        f"move {from_stage} → {to_stage}",
        Action.VIEW_SUBMISSIONS,
        _move(to_stage),
        stage=from_stage,
    )
    for from_stage in Stage.values
    for to_stage in Stage.values
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("attempt", MOVES + ATTEMPTS, ids=lambda attempt: attempt.name)
def test_the_api_answers_as_the_permission_matrix_and_the_stage_machine_say(
    request, api_for, organization, client_company, hm_contact, role, attempt
):
    member = request.getfixturevalue(role)
    job = RoleFactory(organization=organization, client=client_company)
    submission = SubmissionFactory(
        organization=organization,
        role=job,
        stage=attempt.stage,
        culture_status=attempt.culture,
        culture_fit_notes="Calm under pressure.",
    )
    objects = {
        "client": client_company,
        "contact": hm_contact,
        "role": job,
        "on_hold": RoleFactory(organization=organization, client=client_company, status="on_hold"),
        "candidate": submission.candidate,
        "submission": submission,
        "fresh": CandidateFactory(organization=organization),
    }
    method, url, body = attempt.request(objects)

    response = getattr(api_for(member), method)(url, body, format="json")

    if attempt in MOVES:
        expected = expected_move(role, attempt.stage, body["stage"])
    else:
        expected = attempt.expected(role)
    assert response.status_code == expected, response.json()
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
    if attempt in MOVES:
        with organization_context(organization.id):
            stage = Submission.objects.get(pk=submission.pk).stage
        assert stage == (body["stage"] if expected == 200 else attempt.stage)
