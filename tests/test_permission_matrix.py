"""The permission matrix (docs/design.md#23-permission-matrix), role by action, through
the services.

The expected table is written out here from the design, independently of
`accounts.permissions.MATRIX`, so a change to either shows up as a failure.
"""

from datetime import time

import pytest
from django.utils import timezone

from accounts import services as account_services
from intake import services as intake_services
from lib.exceptions import PermissionDenied
from lib.tenancy import organization_context
from privacy import services as privacy_services
from recruiting import services
from recruiting.models import CultureStatus, Stage
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    RoleFactory,
    SubmissionFactory,
)

ROLES = ["owner", "admin", "recruiter", "hiring_manager", "hr"]

TERMS = {
    "submissions_per_week": 3,
    "shortlist_size": 5,
    "checkin_time": time(10, 0),
    "interview_stages": [{"name": "Panel", "owner": "hiring_manager", "expected_days": 3}],
    "hm_review_sla_hours": 16,
    "hr_approval_sla_hours": 8,
    "interview_feedback_sla_hours": 24,
    "must_haves": ["Python"],
    "expected_days_to_fill": 30,
}


def manage_members(actor, data):
    account_services.invitation_create(actor=actor, email="new@example.test", role="recruiter")


def edit_clients(actor, data):
    services.client_create(actor=actor, name="Globex", timezone="Europe/Paris")


def edit_roles(actor, data):
    services.role_create(actor=actor, client=data["client"], title="Data engineer")


def draft_agreement(actor, data):
    intake_services.agreement_propose(actor=actor, role=data["role"], terms=TERMS)


def comment_agreement(actor, data):
    intake_services.agreement_comment(actor=actor, agreement=data["proposal"], body="Looks right")


def acknowledge_agreement(actor, data):
    intake_services.agreement_acknowledge(actor=actor, agreement=data["proposal"])


def edit_candidates(actor, data):
    services.candidate_create(actor=actor, full_name="Ada", email="ada@example.test")


def create_submission(actor, data):
    services.submission_create(
        actor=actor, role=data["role"], candidate=data["candidate"], pitch="Great fit"
    )


def review_skills(actor, data):
    services.skills_review_submit(actor=actor, submission=data["in_review"], decision="advance")


def approve_culture_notes(actor, data):
    services.culture_approval_submit(
        actor=actor, submission=data["awaiting_hr"], decision="approve"
    )


def log_interview_feedback(actor, data):
    services.interview_feedback_submit(
        actor=actor,
        submission=data["interviewing"],
        stage_name="Technical interview",
        outcome="hold",
        rating=3,
    )


def log_offer(actor, data):
    services.submission_move(actor=actor, submission=data["interviewing"], to_stage=Stage.OFFER)


def export_candidate_data(actor, data):
    privacy_services.candidate_export_request(actor=actor, candidate=data["candidate"])


# docs/design.md#23-permission-matrix, row by row: which roles may do it.
EXPECTED = {
    manage_members: {"owner", "admin"},
    edit_clients: {"owner", "admin", "recruiter"},
    edit_roles: {"owner", "admin", "recruiter"},
    draft_agreement: {"owner", "admin", "recruiter"},
    comment_agreement: {"owner", "admin", "recruiter", "hiring_manager", "hr"},
    acknowledge_agreement: {"hiring_manager", "hr"},
    edit_candidates: {"owner", "admin", "recruiter"},
    create_submission: {"owner", "admin", "recruiter"},
    review_skills: {"hiring_manager"},
    approve_culture_notes: {"hr"},
    log_interview_feedback: {"owner", "admin", "recruiter", "hiring_manager", "hr"},
    log_offer: {"owner", "admin", "recruiter", "hiring_manager", "hr"},
    export_candidate_data: {"owner", "admin", "recruiter"},
}


@pytest.fixture
def data(organization, client_company):
    role = RoleFactory(organization=organization, client=client_company)
    agreement = AgreementFactory(organization=organization, role=role)
    proposal = AgreementFactory(organization=organization, role=role, status="proposed")
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])

    def submission(**kwargs):
        return SubmissionFactory(organization=organization, role=role, **kwargs)

    return {
        "client": client_company,
        "role": role,
        "proposal": proposal,
        "candidate": CandidateFactory(organization=organization),
        "in_review": submission(stage=Stage.HM_REVIEW),
        "awaiting_hr": submission(
            stage=Stage.SUBMITTED,
            culture_status=CultureStatus.PENDING,
            culture_fit_notes="Collaborative",
        ),
        "interviewing": submission(stage=Stage.INTERVIEWING, stage_changed_at=timezone.now()),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED), ids=lambda action: action.__name__)
def test_permission_matrix_through_services(request, organization, data, role, action):
    actor = request.getfixturevalue(role)
    with organization_context(organization.id):
        if role in EXPECTED[action]:
            action(actor, data)
        else:
            with pytest.raises(PermissionDenied):
                action(actor, data)
