"""`seed_scale` at a small size: consistent data, each organization's in its own tenant.

Transactional: the command seeds on connections of its own (one thread per
organization) and commits, then vacuums as the owner.
"""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Membership, MembershipRole, Organization
from accounts.selectors import all_organization_ids
from activity.models import Activity
from demo.management.commands.seed_scale import Command as SeedScale
from engagements.models import ClockOutcome, Nudge, NudgeStatus, ResponseClock, default_ladder
from intake.models import AgreementAcknowledgement, AgreementStatus, ExpectationAgreement
from integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from integrations.services import api_key_authenticate
from integrations.services.webhooks import webhook_event_body
from lib.tenancy import organization_context
from metrics.models import ClockRollup, FeedbackRollup, SubmissionRollup
from recruiting.models import (
    OPEN_STAGES,
    Candidate,
    Client,
    ConsentRecord,
    Contact,
    CultureApproval,
    CultureDecision,
    CultureStatus,
    InterviewFeedback,
    ReviewDecision,
    Role,
    SkillsReview,
    Submission,
)

NEW_KINDS = {
    "consent records": ConsentRecord,
    "clocks": ResponseClock,
    "nudges": Nudge,
    "skills reviews": SkillsReview,
    "culture approvals": CultureApproval,
    "interview feedback": InterviewFeedback,
    "webhook endpoints": WebhookEndpoint,
    "webhook deliveries": WebhookDelivery,
    "webhook attempts": WebhookAttempt,
}
OPEN_CLOCK_KIND = {
    "submitted": "hr_approval",
    "hm_review": "hm_review",
    "interviewing": "interview_feedback",
    "offer": "offer_decision",
}


def _seed(*args: str) -> tuple[SeedScale, str]:
    command, out = SeedScale(), StringIO()
    call_command(
        command, "--scale", "0.002", "--organizations", "3", *args, stdout=out, stderr=StringIO()
    )
    return command, out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_seed_scale_builds_each_organization_in_its_own_tenant(organization):
    before = timezone.now()
    command, out = _seed("--reset", "--api-key")
    after = timezone.now()

    # --reset removed what was there; the three new agencies are all that is left.
    plans = command.plans
    assert sorted(all_organization_ids()) == sorted(plan.organization_id for plan in plans)
    assert [plan.submissions for plan in plans] == [300, 210, 147]  # the largest, then 70%
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM recruiting_submission")
        assert cursor.fetchone() == (0,)  # no context, no rows (row-level security)

    totals: dict[str, int] = {}
    for plan in plans:
        with organization_context(plan.organization_id):
            counts = {
                "clients": Client.objects.count(),
                "roles": Role.objects.count(),
                "candidates": Candidate.objects.count(),
                "submissions": Submission.objects.count(),
                "activities": Activity.objects.count(),
            }
            assert counts == {
                "clients": plan.clients,
                "roles": plan.roles,
                "candidates": plan.candidates,
                "submissions": plan.submissions,
                "activities": plan.activities,
            }
            assert Organization.objects.get().slug == plan.slug
            _assert_consistent(plan)
            _assert_consent(plan)
            _assert_client_answers()
            _assert_nudges(before, after)
            _assert_webhooks(largest=plan.number == 1)
            _assert_metrics()
            for kind, model in NEW_KINDS.items():
                totals[kind] = totals.get(kind, 0) + model.objects.count()
    assert command.counts["submissions"] == sum(plan.submissions for plan in plans)
    assert {kind: command.counts.get(kind, 0) for kind in NEW_KINDS} == totals
    assert totals["webhook deliveries"] > 0
    assert "Seeded" in out

    # --api-key printed a read key acting as the largest organization's owner.
    api_key = api_key_authenticate(key=out.strip().splitlines()[-1])
    assert str(api_key.organization_id) == plans[0].organization_id
    assert api_key.membership.role == MembershipRole.OWNER
    assert api_key.scopes == ["read"]


def _assert_consent(plan) -> None:
    """Every candidate consented to be represented, by a record a recruiter made; the
    candidates' current state agrees with their records."""
    represent = ConsentRecord.objects.filter(purpose="represent", granted=True)
    assert represent.values("candidate").distinct().count() == plan.candidates
    assert not represent.filter(recorded_by__role__in=["hiring_manager", "hr"]).exists()
    stored = set(
        ConsentRecord.objects.filter(purpose="store").values_list("candidate_id", flat=True)
    )
    assert stored == set(
        Candidate.objects.filter(consent_to_store=True).values_list("id", flat=True)
    )
    assert not Candidate.objects.filter(consent_to_represent=False).exists()


def _assert_consistent(plan) -> None:
    """Every reference stays inside the organization (a row of another one would be
    invisible here and fail the joins) and the rows agree with each other."""
    members = Membership.objects.all()
    assert members.filter(role=MembershipRole.OWNER).count() == 1
    assert members.filter(role=MembershipRole.RECRUITER).count() == plan.recruiters
    client_users = members.filter(role__in=[MembershipRole.HIRING_MANAGER, MembershipRole.HR])
    assert client_users.exists()
    assert not client_users.filter(client__isnull=True).exists()
    assert Contact.objects.count() == 2 * plan.clients
    assert Client.objects.filter(escalation_contact__client_id=F("id")).count() == plan.clients
    # Each role has an agreed agreement in force, acknowledged by both parties.
    assert Role.objects.filter(
        agreement__role_id=F("id"), agreement__status=AgreementStatus.AGREED
    ).count() == (plan.roles)
    assert ExpectationAgreement.objects.count() == plan.roles
    assert AgreementAcknowledgement.objects.count() == 2 * plan.roles

    submissions = Submission.objects.all()
    assert submissions.filter(
        role__client_id=F("client_id"),
        candidate__isnull=False,
        submitted_by__role=MembershipRole.RECRUITER,
        stage_changed_at__gte=F("created_at"),
        created_at__gte=F("role__created_at"),
    ).count() == len(submissions)
    # One open clock per open submission, of the kind its stage owes.
    open_submissions = submissions.filter(stage__in=OPEN_STAGES)
    clocks = ResponseClock.objects.filter(closed_at__isnull=True)
    assert clocks.count() == open_submissions.count()
    # One past skills review per closed submission: answered, or cancelled by a loss
    # while overdue, never after the submission's last move.
    past = ResponseClock.objects.filter(closed_at__isnull=False)
    assert past.count() == submissions.exclude(stage__in=OPEN_STAGES).count()
    assert past.count() + clocks.count() == ResponseClock.objects.count()
    assert not past.filter(closed_at__gt=F("submission__stage_changed_at")).exists()
    assert not past.filter(
        ~Q(submission__stage__in=["lost", "withdrawn"]) | Q(closed_at__lte=F("due_at")),
        outcome=ClockOutcome.CANCELLED,
    ).exists()
    assert past.filter(outcome=ClockOutcome.ANSWERED, closed_at__gt=F("due_at")).exists()
    for stage, kind in OPEN_CLOCK_KIND.items():
        assert clocks.filter(submission__stage=stage, kind=kind).count() == (
            submissions.filter(stage=stage).count()
        )
    assert not clocks.filter(~Q(role_id=F("submission__role_id"))).exists()

    # The timeline: every submission's creation, and its last stage change once it moved.
    activities = Activity.objects.all()
    assert activities.filter(verb="submission.created").count() == len(submissions)
    assert (
        activities.filter(verb="submission.stage_changed")
        .annotate(to=KT("payload__to"))
        .filter(to=F("submission__stage"))
        .values("submission")
        .distinct()
        .count()
        == submissions.exclude(stage="submitted").count()
    )
    assert not activities.filter(
        submission__isnull=False, created_at__lt=F("submission__created_at")
    ).exists()
    assert not activities.filter(
        ~Q(candidate_id=F("submission__candidate_id")), submission__isnull=False
    ).exists()


def _of_client(member_field: str, role: str) -> Q:
    """The member is none, or one of the submission's client's, in that role (a member of
    another organization would be invisible and match neither)."""
    return Q(**{f"{member_field}__isnull": True}) | Q(
        **{
            f"{member_field}__client_id": F("submission__client_id"),
            f"{member_field}__role": role,
        }
    )


def _assert_client_answers() -> None:
    """Reviews, approvals and feedback for the submissions whose stage says they were
    given, by the client's people, between the submission and its last stage change."""
    submissions = Submission.objects.all()
    during = Q(
        created_at__gte=F("submission__created_at"),
        created_at__lte=F("submission__stage_changed_at"),
    )

    # A skills review for every submission that left the hiring manager's review: advance
    # for those interviewing and beyond (or lost while interviewing), reject for the rest.
    reviewed = submissions.filter(stage__in=["interviewing", "offer", "hired", "lost", "rejected"])
    reviews = SkillsReview.objects.all()
    assert reviews.count() == reviews.values("submission").distinct().count() == reviewed.count()
    assert (
        reviews.filter(
            during,
            _of_client("reviewer", MembershipRole.HIRING_MANAGER),
            Q(decision=ReviewDecision.REJECT, submission__stage="rejected")
            | Q(
                decision=ReviewDecision.ADVANCE,
                submission__stage__in=["interviewing", "offer", "hired", "lost"],
            ),
        ).count()
        == reviewed.count()
    )
    assert reviews.filter(reviewer__isnull=False).exists()
    for review in reviews.select_related("submission__role__agreement")[:20]:
        assert set(review.ratings) == set(review.submission.role.agreement.must_haves)
        assert all(1 <= score <= 5 for score in review.ratings.values())

    # HR approved the notes of every submission whose culture status says approved (that
    # released it to the hiring manager), some after asking for changes first.
    approved = submissions.filter(culture_status=CultureStatus.APPROVED)
    approvals = CultureApproval.objects.filter(during, _of_client("reviewer", MembershipRole.HR))
    assert approvals.count() == CultureApproval.objects.count()
    approves = approvals.filter(decision=CultureDecision.APPROVE)
    assert (
        approves.filter(reviewed_notes=F("submission__culture_fit_notes")).count()
        == approves.values("submission").distinct().count()
        == approved.count()
    )
    changes = approvals.filter(decision=CultureDecision.REQUEST_CHANGES)
    assert changes.exists()
    assert not changes.exclude(submission__culture_status=CultureStatus.APPROVED).exists()
    later_approval = approves.filter(
        submission_id=OuterRef("submission_id"), created_at__gt=OuterRef("created_at")
    )
    assert changes.filter(Exists(later_approval)).count() == changes.count()

    # Feedback on both agreed interviews for every submission that reached an offer.
    offered = submissions.filter(stage__in=["offer", "hired"])
    feedback = InterviewFeedback.objects.filter(
        Q(stage_name="Technical interview") & _of_client("author", MembershipRole.HIRING_MANAGER)
        | Q(stage_name="Culture interview") & _of_client("author", MembershipRole.HR),
        during,
        rating__range=(1, 5),
    )
    assert feedback.count() == InterviewFeedback.objects.count() == 2 * offered.count()
    assert feedback.values("submission", "stage_name").distinct().count() == feedback.count()
    assert not feedback.exclude(submission__stage__in=["offer", "hired"]).exists()


def _expected_level(due_at, now) -> int:
    return 2 if due_at <= now - timedelta(days=1) else 1 if due_at <= now else 0


def _assert_nudges(before, after) -> None:
    """Level 1 for every open clock past its due time when the seed ran, level 2 for those
    a day past it: delivered, as the ladder says, each (clock, level) once."""
    ladder = {level["level"]: level for level in default_ladder()}
    clocks = list(ResponseClock.objects.filter(closed_at__isnull=True))
    for clock in clocks:
        assert clock.nudge_level in {
            _expected_level(clock.due_at, before),
            _expected_level(clock.due_at, after),
        }
        assert clock.next_nudge_at == clock.due_at + timedelta(days=clock.nudge_level)
    assert any(clock.nudge_level == 2 for clock in clocks)
    assert any(clock.nudge_level == 0 for clock in clocks)

    nudges = list(Nudge.objects.select_related("clock"))
    claimed = {(nudge.clock_id, nudge.level) for nudge in nudges}
    assert len(claimed) == len(nudges)  # once per clock and level
    assert claimed == {
        (clock.id, level) for clock in clocks for level in range(1, clock.nudge_level + 1)
    }
    for nudge in nudges:
        assert nudge.clock.closed_at is None
        assert nudge.status == NudgeStatus.DELIVERED
        assert nudge.recipients == ladder[nudge.level]["recipients"]
        assert nudge.channels == ladder[nudge.level]["channels"]
        assert nudge.created_at == nudge.clock.due_at + timedelta(days=nudge.level - 1)
        assert nudge.created_at <= nudge.delivered_at <= after

    # On the timeline (as far as the activity budget goes), about the nudged submission.
    sent = Activity.objects.filter(verb="nudge.sent").annotate(
        level=Cast(KT("payload__level"), IntegerField())
    )
    nudge_of_entry = Nudge.objects.filter(
        clock__submission_id=OuterRef("submission_id"),
        level=OuterRef("level"),
        delivered_at=OuterRef("created_at"),
        clock__role_id=OuterRef("role_id"),
    )
    assert 0 < sent.filter(Exists(nudge_of_entry), actor__isnull=True).count() == sent.count()
    assert sent.count() <= len(nudges)


def _assert_webhooks(*, largest: bool) -> None:
    """The largest organization's endpoint received every event it subscribed to, once,
    at the first attempt; no other organization has one."""
    if not largest:
        assert not WebhookEndpoint.objects.exists()
        assert not WebhookDelivery.objects.exists()
        return
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.created_by.role == MembershipRole.OWNER
    assert endpoint.secret.startswith("whsec_")
    events = Activity.objects.filter(verb__in=endpoint.event_types)
    deliveries = WebhookDelivery.objects.filter(
        endpoint=endpoint,
        event_type=F("activity__verb"),
        created_at=F("activity__created_at"),
        status="succeeded",
        attempt_count=1,
        delivered_at__gte=F("created_at"),
    )
    assert deliveries.count() == WebhookDelivery.objects.count() == events.count()
    assert deliveries.values("activity").distinct().count() == events.count()
    delivered = set(deliveries.values_list("event_type", flat=True))
    assert {"submission.stage_changed", "nudge.sent"} <= delivered <= set(endpoint.event_types)
    attempts = WebhookAttempt.objects.filter(
        number=1, succeeded=True, status_code=200, finished_at=F("delivery__delivered_at")
    )
    assert attempts.count() == WebhookAttempt.objects.count() == deliveries.count()
    # The body is the one `webhook_event_body` writes, up to JSON spacing.
    for delivery in deliveries.select_related(
        "activity__actor",
        "activity__client",
        "activity__role",
        "activity__candidate",
        "activity__submission",
    ):
        assert json.loads(delivery.body) == json.loads(
            webhook_event_body(activity=delivery.activity)
        )


def _assert_metrics() -> None:
    """The metrics rollups were rebuilt from the loaded rows: every submission is in its
    cohort, every open clock counted open, the past reviews as first feedback."""
    cohorts = SubmissionRollup.objects.aggregate(submitted=Sum("submitted"))
    assert cohorts["submitted"] == Submission.objects.count()
    clocks = ClockRollup.objects.aggregate(open=Sum("open"))
    assert clocks["open"] == ResponseClock.objects.filter(closed_at__isnull=True).count()
    answered = FeedbackRollup.objects.aggregate(answered=Sum("answered"))
    assert answered["answered"] == ResponseClock.objects.filter(outcome="answered").count()


def test_seed_scale_refuses_a_database_that_has_organizations(organization):
    with pytest.raises(CommandError, match="1 organizations already"):
        call_command("seed_scale", "--scale", "0.001", stdout=StringIO())
