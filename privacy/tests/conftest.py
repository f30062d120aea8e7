"""A candidate with a full history, made through the real services, and a second
candidate of the same agency whose rows must stay out of the first one's export."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activity.events import WEBHOOK_EVENT_TYPES
from engagements.models import (
    Notification,
    Nudge,
    NudgeChannel,
    NudgeDelivery,
    NudgeRecipient,
    NudgeStatus,
    ResponseClock,
)
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import ConsentMethod, ConsentPurpose, Stage
from tests.factories import WebhookEndpointFactory, role_with_agreement

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _role(organization, client_company, hm_contact, hr_contact, recruiter):
    return role_with_agreement(
        organization=organization,
        client=client_company,
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
        owner=recruiter,
    )


def _nudge(submission, hiring_manager):
    """A nudge about the submission, as the ladder delivers one: a mail and a notification."""
    clock = ResponseClock.objects.filter(submission=submission).order_by("created_at").first()
    nudge = Nudge.objects.create(
        organization=submission.organization,
        clock=clock,
        level=1,
        status=NudgeStatus.DELIVERED,
        recipients=[NudgeRecipient.OWING_PARTY],
        channels=[NudgeChannel.EMAIL, NudgeChannel.IN_APP],
        delivered_at=timezone.now(),
    )
    NudgeDelivery.objects.create(
        organization=submission.organization,
        nudge=nudge,
        email=hiring_manager.user.email,
        membership=hiring_manager,
        sent_at=timezone.now(),
    )
    Notification.objects.create(
        organization=submission.organization,
        membership=hiring_manager,
        nudge=nudge,
        title=f"{submission.candidate} is waiting for your review",
        body="The review is past its agreed time.",
    )
    return nudge


@pytest.fixture
def history(organization, client_company, hm_contact, hr_contact, recruiter, hiring_manager, hr):
    """Grace Hopper's whole story at the agency, every kind of row the export reads,
    and Alan Turing's, of the same role, which her export must not show."""
    endpoint = WebhookEndpointFactory(
        organization=organization, event_types=sorted(WEBHOOK_EVENT_TYPES)
    )
    role = _role(organization, client_company, hm_contact, hr_contact, recruiter)
    with organization_context(organization.id):
        candidate = services.candidate_create(
            actor=recruiter,
            full_name="Grace Hopper",
            email="grace@navy.test",
            phone="+1 555 0100",
            internal_notes="Prefers remote; salary expectation 140k.",
            tags=["compilers"],
            consent_to_represent=True,
            resume=SimpleUploadedFile("grace-cv.pdf", PDF, content_type="application/pdf"),
        )
        services.consent_record(
            actor=recruiter,
            candidate=candidate,
            purpose=ConsentPurpose.STORE,
            granted=True,
            method=ConsentMethod.CALL,
            note="Agreed on the phone to stay on file.",
        )
        submission = services.submission_create(
            actor=recruiter,
            role=role,
            candidate=candidate,
            pitch="Built the first compiler.",
            culture_fit_notes="Calm under pressure; mentors juniors.",
        )
        approval = services.culture_approval_submit(
            actor=hr, submission=submission, decision="approve", comment="A good fit."
        )
        submission.refresh_from_db()
        question = services.skills_review_submit(
            actor=hiring_manager,
            submission=submission,
            decision="need_info",
            comment="Which languages has she shipped?",
        )
        submission.refresh_from_db()
        services.submission_answer_info_request(
            actor=recruiter, submission=submission, answer="COBOL and FLOW-MATIC, in production."
        )
        submission.refresh_from_db()
        review = services.skills_review_submit(
            actor=hiring_manager, submission=submission, decision="advance", comment="Strong."
        )
        submission.refresh_from_db()
        feedback = services.interview_feedback_submit(
            actor=hiring_manager,
            submission=submission,
            stage_name="Technical interview",
            outcome="advance",
            rating=5,
            comment="Outstanding on systems design.",
        )
        submission.refresh_from_db()
        nudge = _nudge(submission, hiring_manager)
        submission = services.submission_move(
            actor=recruiter,
            submission=submission,
            to_stage=Stage.WITHDRAWN,
            reason="Accepted a post at the Navy.",
        )
        other = services.candidate_create(
            actor=recruiter,
            full_name="Alan Turing",
            email="alan@bletchley.test",
            internal_notes="Not Grace.",
            consent_to_represent=True,
        )
        other_submission = services.submission_create(
            actor=recruiter, role=role, candidate=other, pitch="Broke Enigma."
        )
        other_submission.refresh_from_db()
        services.skills_review_submit(
            actor=hiring_manager, submission=other_submission, decision="advance"
        )
        other_nudge = _nudge(other_submission, hiring_manager)
    return SimpleNamespace(
        organization=organization,
        endpoint=endpoint,
        role=role,
        candidate=candidate,
        submission=submission,
        approval=approval,
        reviews=[question, review],
        feedback=feedback,
        nudge=nudge,
        other=other,
        other_submission=other_submission,
        other_nudge=other_nudge,
    )
