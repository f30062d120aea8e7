"""One of everything the API serves, for two clients of one agency.

The hiring manager and HR of the standing cast work for `client_company` ("ours");
`other client` belongs to the same agency, and its objects must stay invisible to
them. The route tests look objects up here by model.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from accounts.audit import record_security_event
from accounts.models import Membership, SecurityEventKind
from activity.services import activity_record
from engagements.models import ClockKind, Nudge
from engagements.services import clock_open
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    IntakeAttendance,
    IntakeMeeting,
    Party,
)
from integrations.models import WebhookAttempt
from lib.tenancy import organization_context
from privacy.services import candidate_export_build, candidate_export_request
from recruiting.models import (
    CultureApproval,
    CultureDecision,
    CultureStatus,
    InterviewFeedback,
    InterviewOutcome,
    ReviewDecision,
    SkillsReview,
)
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    ContactFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
    WebhookEndpointFactory,
)


@dataclass
class World:
    # model label → the object of the cast's client, and of the other client
    ours: dict[str, object] = field(default_factory=dict)
    theirs: dict[str, object] = field(default_factory=dict)

    def add(self, side: dict, *objects) -> None:
        for obj in objects:
            side[obj._meta.label] = obj


def _client_objects(organization, client, recruiter: Membership, member: Membership) -> list:
    contact = ContactFactory(organization=organization, client=client)
    role = RoleFactory(
        organization=organization,
        client=client,
        hiring_manager=contact,
        owner=recruiter,
        external_source="ats",
        external_id=f"role-{client.pk}",
    )
    agreement = AgreementFactory(organization=organization, role=role)
    candidate = CandidateFactory(organization=organization)
    submission = SubmissionFactory(
        organization=organization,
        role=role,
        candidate=candidate,
        submitted_by=recruiter,
        culture_status=CultureStatus.APPROVED,
        skills_summary=[{"must_have": "Python", "evidence": "Five years of Django."}],
    )
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
        # The agreement's discussion, so that its nested lists have rows.
        meeting = IntakeMeeting.objects.create(
            organization=organization, role=role, held_at=timezone.now(), recruiter=recruiter
        )
        IntakeAttendance.objects.create(organization=organization, meeting=meeting, contact=contact)
        agreement.intake_meeting = meeting
        agreement.save(update_fields=["intake_meeting"])
        AgreementAcknowledgement.objects.create(
            organization=organization,
            agreement=agreement,
            party=Party.HIRING_MANAGER,
            membership=member,
            comment="Agreed.",
        )
        AgreementComment.objects.create(
            organization=organization, agreement=agreement, author=recruiter, body="Looks right."
        )
        review = SkillsReview.objects.create(
            organization=organization,
            submission=submission,
            reviewer=member,
            decision=ReviewDecision.ADVANCE,
        )
        approval = CultureApproval.objects.create(
            organization=organization,
            submission=submission,
            reviewer=member,
            decision=CultureDecision.APPROVE,
            reviewed_notes="Thrives in small teams.",
        )
        feedback = InterviewFeedback.objects.create(
            organization=organization,
            submission=submission,
            author=member,
            stage_name="Technical interview",
            outcome=InterviewOutcome.ADVANCE,
            rating=4,
        )
        clock = clock_open(
            submission=submission,
            kind=ClockKind.HM_REVIEW,
            sla_hours=16,
            opened_at=timezone.now(),
        )
        nudge = Nudge.objects.create(organization=organization, clock=clock, level=1)
        activity = activity_record(
            actor=recruiter,
            verb="submission.created",
            submission=submission,
            summary=f"{candidate} submitted for {role}",
        )
    return [
        client,
        contact,
        role,
        agreement,
        candidate,
        submission,
        review,
        approval,
        feedback,
        clock,
        nudge,
        activity,
        member,
    ]


def build_world(*, organization, client_company, recruiter, hiring_manager) -> World:
    world = World()
    # Subscribed before anything happens, so the activities below produce deliveries.
    endpoint = WebhookEndpointFactory(organization=organization)
    other_client = ClientFactory(organization=organization, name="Globex")
    other_manager = MembershipFactory(
        organization=organization, role="hiring_manager", client=other_client
    )
    world.add(
        world.ours,
        *_client_objects(organization, client_company, recruiter, hiring_manager),
    )
    world.add(world.theirs, *_client_objects(organization, other_client, recruiter, other_manager))
    with organization_context(organization.id):
        # Endpoints belong to the agency as a whole: there is no other client's one.
        delivery = endpoint.deliveries.first()
        for number in (2, 1):  # listed in order of number, whatever the order written
            WebhookAttempt.objects.create(
                organization=organization,
                delivery=delivery,
                number=number,
                finished_at=timezone.now(),
                status_code=500 if number == 1 else 200,
                succeeded=number == 2,
                duration_ms=120,
            )
        world.add(world.ours, endpoint, delivery)
        # Exports are the agency's too (client users are refused them): a ready one.
        export = candidate_export_request(
            actor=recruiter, candidate=world.ours["recruiting.Candidate"]
        )
        world.add(world.ours, candidate_export_build(export_id=export.pk))
    # The security log is the agency's as a whole too (owners and admins read it).
    world.add(
        world.ours,
        record_security_event(
            organization, SecurityEventKind.SIGNED_IN, actor=recruiter, target="world"
        ),
    )
    return world
