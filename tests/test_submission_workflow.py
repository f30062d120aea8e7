"""The submission workflow through its services: stage machine, clocks, reviews."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from activity.models import Activity
from engagements.models import ClockKind, ResponseClock
from lib.business_hours import add_business_hours
from lib.exceptions import ApplicationError, OtherOrganization, PermissionDenied
from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import CultureStatus, LostReason, Stage, Submission
from recruiting.stages import STAGE_MOVES, InvalidStageMove
from tests.factories import AgreementFactory, CandidateFactory, RoleFactory, SubmissionFactory

# A Wednesday morning in London, inside business hours (09:00–17:30).
WEDNESDAY_10AM = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


@pytest.fixture
def role(organization, client_company):
    role = RoleFactory(organization=organization, client=client_company)
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


@pytest.fixture
def candidate(organization):
    return CandidateFactory(organization=organization, full_name="Grace Hopper")


@pytest.fixture
def in_organization(organization):
    with organization_context(organization.id):
        yield


def _submit(recruiter, role, candidate, **kwargs):
    return services.submission_create(
        actor=recruiter,
        role=role,
        candidate=candidate,
        pitch="Built the compiler.",
        **kwargs,
    )


def _open_clocks(submission):
    return {
        clock.kind: clock
        for clock in ResponseClock.objects.filter(submission=submission, closed_at__isnull=True)
    }


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_submission_with_culture_notes_waits_for_hr_with_a_clock_due_in_business_hours(
    in_organization, recruiter, role, candidate
):
    submission = _submit(recruiter, role, candidate, culture_fit_notes="Thrives in small teams.")

    assert submission.stage == Stage.SUBMITTED
    assert submission.culture_status == CultureStatus.PENDING
    (clock,) = _open_clocks(submission).values()
    assert clock.kind == ClockKind.HR_APPROVAL
    # 8 business hours from Wednesday 10:00 in London (09:00–17:30): 7.5 on Wednesday,
    # the last half hour on Thursday morning.
    assert clock.due_at == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
    assert Activity.objects.filter(submission=submission, verb="submission.created").exists()


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_submission_without_culture_notes_goes_straight_to_the_hiring_manager(
    in_organization, recruiter, role, candidate
):
    submission = _submit(recruiter, role, candidate)

    assert submission.stage == Stage.HM_REVIEW
    clock = _open_clocks(submission)[ClockKind.HM_REVIEW]
    expected = add_business_hours(calendar=role.client.calendar, start=WEDNESDAY_10AM, hours=16)
    assert clock.due_at == expected
    assert clock.sla_hours == 16


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_a_competing_offer_deadline_pulls_the_clock_earlier(
    in_organization, recruiter, role, candidate
):
    deadline = WEDNESDAY_10AM + timedelta(hours=3)
    submission = _submit(recruiter, role, candidate, competing_offer_deadline=deadline)

    clock = _open_clocks(submission)[ClockKind.HM_REVIEW]
    assert clock.due_at == deadline
    assert clock.sla_due_at > deadline


@time_machine.travel(WEDNESDAY_10AM, tick=False)
def test_setting_a_deadline_later_moves_open_clocks_and_clearing_it_restores_the_sla(
    in_organization, recruiter, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    sla_due = _open_clocks(submission)[ClockKind.HM_REVIEW].due_at
    deadline = WEDNESDAY_10AM + timedelta(hours=2)

    services.submission_set_competing_deadline(
        actor=recruiter, submission=submission, deadline=deadline
    )
    assert _open_clocks(submission)[ClockKind.HM_REVIEW].due_at == deadline

    services.submission_set_competing_deadline(
        actor=recruiter, submission=submission, deadline=None
    )
    assert _open_clocks(submission)[ClockKind.HM_REVIEW].due_at == sla_due


def test_hr_approval_releases_the_submission_to_the_hiring_manager(
    in_organization, recruiter, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate, culture_fit_notes="Calm under pressure.")

    services.culture_approval_submit(actor=hr, submission=submission, decision="approve")

    submission.refresh_from_db()
    assert submission.culture_status == CultureStatus.APPROVED
    assert submission.stage == Stage.HM_REVIEW
    assert set(_open_clocks(submission)) == {ClockKind.HM_REVIEW}


def test_hr_requests_changes_and_the_recruiter_revises(
    in_organization, recruiter, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate, culture_fit_notes="A rock star.")

    services.culture_approval_submit(
        actor=hr, submission=submission, decision="request_changes", comment="Avoid slang."
    )
    submission.refresh_from_db()
    assert submission.culture_status == CultureStatus.CHANGES_REQUESTED
    assert _open_clocks(submission) == {}

    services.submission_revise_culture_notes(
        actor=recruiter, submission=submission, culture_fit_notes="Leads calmly."
    )
    submission.refresh_from_db()
    assert submission.culture_status == CultureStatus.PENDING
    assert set(_open_clocks(submission)) == {ClockKind.HR_APPROVAL}


def test_the_recruiter_cannot_skip_hr_approval(in_organization, recruiter, role, candidate):
    submission = _submit(recruiter, role, candidate, culture_fit_notes="Curious.")
    with pytest.raises(InvalidStageMove, match="HR has not approved"):
        services.submission_move(actor=recruiter, submission=submission, to_stage=Stage.HM_REVIEW)


def test_skills_review_advance_opens_the_first_interview_clock(
    in_organization, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate)

    services.skills_review_submit(
        actor=hiring_manager,
        submission=submission,
        decision="advance",
        ratings={"Python": 5, "PostgreSQL": "4"},
    )

    submission.refresh_from_db()
    assert submission.stage == Stage.INTERVIEWING
    clock = _open_clocks(submission)[ClockKind.INTERVIEW_FEEDBACK]
    assert clock.stage_name == "Technical interview"
    assert submission.skills_reviews.get().ratings == {"Python": 5, "PostgreSQL": 4}


def test_need_info_stops_the_clock_until_the_recruiter_answers(
    in_organization, recruiter, hiring_manager, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    services.skills_review_submit(
        actor=hiring_manager, submission=submission, decision="need_info", comment="Visa?"
    )
    assert _open_clocks(submission) == {}

    services.submission_answer_info_request(
        actor=recruiter, submission=submission, answer="Has a work permit."
    )
    assert set(_open_clocks(submission)) == {ClockKind.HM_REVIEW}


def test_interview_feedback_walks_the_agreed_stages_then_opens_the_offer_decision(
    in_organization, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    services.skills_review_submit(actor=hiring_manager, submission=submission, decision="advance")

    services.interview_feedback_submit(
        actor=hiring_manager,
        submission=submission,
        stage_name="Technical interview",
        outcome="advance",
        rating=4,
    )
    culture_clock = _open_clocks(submission)[ClockKind.INTERVIEW_FEEDBACK]
    assert culture_clock.stage_name == "Culture interview"
    assert culture_clock.owed_by == "hr"  # the agreement says HR runs that stage

    services.interview_feedback_submit(
        actor=hr, submission=submission, stage_name="Culture interview", outcome="advance", rating=5
    )
    assert set(_open_clocks(submission)) == {ClockKind.OFFER_DECISION}

    services.submission_move(actor=hiring_manager, submission=submission, to_stage=Stage.OFFER)
    assert _open_clocks(submission) == {}


@pytest.mark.parametrize(
    ("decision", "comment", "error_field"),
    [("reject", "", "comment"), ("need_info", " ", "comment"), ("maybe", "", "decision")],
)
def test_skills_review_refuses_incomplete_decisions(
    in_organization, recruiter, hiring_manager, role, candidate, decision, comment, error_field
):
    submission = _submit(recruiter, role, candidate)
    with pytest.raises(ValidationError) as error:
        services.skills_review_submit(
            actor=hiring_manager, submission=submission, decision=decision, comment=comment
        )
    assert error_field in error.value.message_dict


@pytest.mark.parametrize("ratings", [{"Python": 9}, {"Cobol": 3}, {"Python": "lots"}])
def test_skills_review_refuses_bad_ratings(
    in_organization, recruiter, hiring_manager, role, candidate, ratings
):
    submission = _submit(recruiter, role, candidate)
    with pytest.raises(ValidationError):
        services.skills_review_submit(
            actor=hiring_manager, submission=submission, decision="advance", ratings=ratings
        )
    submission.refresh_from_db()
    assert submission.stage == Stage.HM_REVIEW


def test_a_candidate_is_submitted_once_per_role(in_organization, recruiter, role, candidate):
    _submit(recruiter, role, candidate)
    with pytest.raises(ValidationError, match="already been submitted"):
        _submit(recruiter, role, candidate)


def test_a_candidate_without_consent_cannot_be_submitted(
    in_organization, organization, recruiter, role
):
    candidate = CandidateFactory(organization=organization, consent_to_represent=False)
    with pytest.raises(ValidationError, match="agreed to be represented"):
        _submit(recruiter, role, candidate)


def test_a_closed_role_takes_no_submissions(in_organization, recruiter, role, candidate):
    services.role_change_status(actor=recruiter, role=role, status="on_hold")
    with pytest.raises(ApplicationError, match="on hold"):
        _submit(recruiter, role, candidate)


def test_a_submission_cannot_mix_organizations(
    in_organization, recruiter, role, other_organization
):
    foreign_candidate = CandidateFactory(organization=other_organization)
    with pytest.raises(OtherOrganization, match="another organization"):
        _submit(recruiter, role, foreign_candidate)


# --- The stage machine -------------------------------------------------------------------

ALL_STAGES = list(Stage)
# Who makes each allowed move in the test below.
MOVER = {
    Stage.HM_REVIEW: "recruiter",
    Stage.OFFER: "hiring_manager",
    Stage.HIRED: "hr",
    Stage.REJECTED: "recruiter",
    Stage.WITHDRAWN: "recruiter",
    Stage.LOST: "recruiter",
}
# Sorted: frozenset order varies between processes, and parallel test workers
# must collect the same parameters.
ALLOWED = [
    (source, target)
    for source, targets in STAGE_MOVES.items()
    for target in sorted(targets)
    if target != Stage.INTERVIEWING  # only through the skills review, tested above
]
REFUSED = [
    (source, target)
    for source in ALL_STAGES
    for target in ALL_STAGES
    if target not in STAGE_MOVES[source]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_move_works_and_is_on_the_timeline(
    request, in_organization, organization, client_company, source, target
):
    actor = request.getfixturevalue(MOVER[target])
    submission = SubmissionFactory(
        organization=organization, role__client=client_company, stage=source
    )

    services.submission_move(
        actor=actor,
        submission=submission,
        to_stage=target,
        reason="Client decided" if target in {Stage.REJECTED, Stage.WITHDRAWN} else "",
        lost_reason=LostReason.ACCEPTED_OTHER_OFFER if target == Stage.LOST else "",
    )

    submission.refresh_from_db()
    assert submission.stage == target
    entry = Activity.objects.get(submission=submission, verb="submission.stage_changed")
    assert entry.payload["from"] == source
    assert entry.payload["to"] == target
    assert entry.actor == actor


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_other_move_is_refused_with_a_clear_message(
    in_organization, organization, client_company, owner, source, target
):
    submission = SubmissionFactory(
        organization=organization, role__client=client_company, stage=source
    )
    with pytest.raises((InvalidStageMove, PermissionDenied)) as error:
        services.submission_move(
            actor=owner,
            submission=submission,
            to_stage=target,
            reason="x",
            lost_reason=LostReason.OTHER,
        )
    assert "cannot move" in error.value.message or "hiring manager's review" in error.value.message
    assert Submission.objects.get(pk=submission.pk).stage == source


def test_a_lost_candidate_needs_a_reason(in_organization, organization, client_company, recruiter):
    submission = SubmissionFactory(organization=organization, role__client=client_company)
    with pytest.raises(ValidationError, match="why the candidate was lost"):
        services.submission_move(actor=recruiter, submission=submission, to_stage=Stage.LOST)


def test_closing_a_submission_closes_its_clocks(in_organization, recruiter, role, candidate):
    submission = _submit(recruiter, role, candidate)
    services.submission_move(
        actor=recruiter, submission=submission, to_stage=Stage.WITHDRAWN, reason="Took a break"
    )
    assert _open_clocks(submission) == {}
    assert ResponseClock.objects.get(submission=submission).closed_by == recruiter


def test_a_hiring_manager_of_another_client_cannot_review(
    in_organization, organization, recruiter, role, candidate
):
    from tests.factories import ClientFactory, MembershipFactory

    other_hm = MembershipFactory(
        organization=organization,
        role="hiring_manager",
        client=ClientFactory(organization=organization),
    )
    submission = _submit(recruiter, role, candidate)
    with pytest.raises(PermissionDenied, match="another client"):
        services.skills_review_submit(actor=other_hm, submission=submission, decision="advance")


@pytest.mark.parametrize("role_name", ["hiring_manager", "hr"])
def test_client_users_reject_through_their_reviews_not_a_direct_move(
    request, in_organization, organization, client_company, role_name
):
    actor = request.getfixturevalue(role_name)
    submission = SubmissionFactory(
        organization=organization, role__client=client_company, stage=Stage.SUBMITTED
    )
    with pytest.raises(PermissionDenied):
        services.submission_move(
            actor=actor, submission=submission, to_stage=Stage.REJECTED, reason="No"
        )
    assert Submission.objects.get(pk=submission.pk).stage == Stage.SUBMITTED


def test_hr_rejects_after_the_culture_interview_through_feedback(
    in_organization, recruiter, hiring_manager, hr, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    services.skills_review_submit(actor=hiring_manager, submission=submission, decision="advance")
    services.interview_feedback_submit(
        actor=hr,
        submission=submission,
        stage_name="Technical interview",
        outcome="reject",
        rating=2,
        comment="Not a fit for the team",
    )
    submission.refresh_from_db()
    assert submission.stage == Stage.REJECTED


def _review_queue(selectors, hiring_manager) -> list:
    page = selectors.queue_page(membership=hiring_manager, kind=ClockKind.HM_REVIEW)
    return [clock.submission for clock in page.items]


def test_a_question_from_the_hiring_manager_leaves_the_queue_until_answered(
    in_organization, recruiter, hiring_manager, role, candidate
):
    from engagements import selectors

    submission = _submit(recruiter, role, candidate)
    services.skills_review_submit(
        actor=hiring_manager, submission=submission, decision="need_info", comment="Notice?"
    )
    assert _review_queue(selectors, hiring_manager) == []
    assert selectors.info_requested(membership=recruiter).items == [submission]

    services.submission_answer_info_request(
        actor=recruiter, submission=submission, answer="Four weeks."
    )
    assert _review_queue(selectors, hiring_manager) == [submission]
    assert selectors.info_requested(membership=recruiter).items == []


def test_withdrawn_candidates_cancel_their_clocks_rather_than_count_as_answers(
    in_organization, recruiter, role, candidate
):
    submission = _submit(recruiter, role, candidate)
    services.submission_move(
        actor=recruiter, submission=submission, to_stage=Stage.WITHDRAWN, reason="Moved abroad"
    )
    assert ResponseClock.objects.get(submission=submission).outcome == "cancelled"
