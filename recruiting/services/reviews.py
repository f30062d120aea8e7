"""The client's answers: the hiring manager's skills review, HR's culture-fit approval,
and interview feedback. Each is recorded as an event; the engagements app closes the
clock that was waiting for it and opens the next one."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Membership
from accounts.permissions import Action, require
from activity.services import activity_record
from lib import events
from lib.exceptions import ApplicationError
from lib.text import is_blank
from recruiting.models import (
    CultureApproval,
    CultureDecision,
    CultureStatus,
    InterviewFeedback,
    InterviewOutcome,
    ReviewDecision,
    SkillsReview,
    Stage,
    Submission,
)
from recruiting.services.submissions import _move, _require_visible, submission_locked
from recruiting.terms import role_terms


def _locked(submission: Submission) -> Submission:
    """The submission's row, locked: two reviewers answering at once are serialised
    (with its role and candidate, as before). It comes with what the review and the
    handlers of its events read of it (the client, the role's agreement in force)."""
    return submission_locked(submission, of=("self", "role", "candidate"))


def skills_review_submit(
    *,
    actor: Membership,
    submission: Submission,
    decision: str,
    ratings: dict[str, int] | None = None,
    comment: str = "",
) -> SkillsReview:
    require(actor, Action.REVIEW_SKILLS)
    _require_visible(actor, submission)
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": "Choose advance, reject or need info."})
    if decision == ReviewDecision.REJECT and is_blank(comment):
        raise ValidationError(
            {"comment": "Tell the recruiter why, so the next candidate fits better."}
        )
    if decision == ReviewDecision.NEED_INFO and is_blank(comment):
        raise ValidationError({"comment": "Say what information you need."})
    terms = role_terms(submission.role)
    ratings = _clean_ratings(ratings or {}, terms.must_haves)
    with transaction.atomic(), events.batch():
        submission = _locked(submission)
        if submission.stage != Stage.HM_REVIEW:
            raise ApplicationError(
                f"This submission is in “{submission.get_stage_display()}”, not awaiting review."
            )
        review = SkillsReview.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            reviewer=actor,
            decision=decision,
            ratings=ratings,
            comment=comment.strip(),
        )
        activity_record(
            actor=actor,
            verb="review.completed",
            submission=submission,
            summary=f"Skills review of {submission.candidate}: {review.get_decision_display()}",
            payload={"decision": decision, "ratings": ratings, "comment": review.comment},
        )
        if decision == ReviewDecision.ADVANCE:
            _move(actor, submission, Stage.INTERVIEWING, reason=review.comment)
        elif decision == ReviewDecision.REJECT:
            _move(
                actor, submission, Stage.REJECTED, reason=review.comment, follows_from_review=True
            )
    return review


def _clean_ratings(ratings: dict, must_haves: list[str]) -> dict[str, int]:
    cleaned = {}
    for must_have, value in ratings.items():
        if value in (None, ""):
            continue
        if must_haves and must_have not in must_haves:
            raise ValidationError({"ratings": f"“{must_have}” is not a must-have of this role."})
        try:
            score = int(value)
        except (TypeError, ValueError) as error:
            raise ValidationError({"ratings": "Ratings are whole numbers from 1 to 5."}) from error
        if not 1 <= score <= 5:
            raise ValidationError({"ratings": "Ratings are whole numbers from 1 to 5."})
        cleaned[must_have] = score
    return cleaned


def culture_approval_submit(
    *, actor: Membership, submission: Submission, decision: str, comment: str = ""
) -> CultureApproval:
    require(actor, Action.APPROVE_CULTURE_NOTES)
    _require_visible(actor, submission)
    if decision not in CultureDecision.values:
        raise ValidationError({"decision": "Approve or request changes."})
    if decision == CultureDecision.REQUEST_CHANGES and is_blank(comment):
        raise ValidationError({"comment": "Say what should change in the notes."})
    with transaction.atomic(), events.batch():
        submission = _locked(submission)
        if submission.culture_status != CultureStatus.PENDING:
            raise ApplicationError("These culture-fit notes are not awaiting approval.")
        approval = CultureApproval.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            reviewer=actor,
            decision=decision,
            comment=comment.strip(),
            reviewed_notes=submission.culture_fit_notes,
        )
        approved = decision == CultureDecision.APPROVE
        submission.culture_status = (
            CultureStatus.APPROVED if approved else CultureStatus.CHANGES_REQUESTED
        )
        submission.save(update_fields=["culture_status", "updated_at"])
        activity_record(
            actor=actor,
            verb="culture_approval.completed",
            submission=submission,
            summary=f"HR {'approved' if approved else 'asked for changes to'} the culture-fit "
            f"notes on {submission.candidate}",
            payload={"decision": decision, "comment": approval.comment},
        )
        if approved and submission.stage == Stage.SUBMITTED:
            # HR's approval is what releases the submission to the hiring manager.
            _move(
                actor,
                submission,
                Stage.HM_REVIEW,
                reason="Culture-fit notes approved by HR",
                follows_from_review=True,
            )
    return approval


def interview_feedback_submit(
    *,
    actor: Membership,
    submission: Submission,
    stage_name: str,
    outcome: str,
    rating: int,
    comment: str = "",
) -> InterviewFeedback:
    """Log how an interview went; the next stage's clock, or the offer decision's, opens."""
    require(actor, Action.LOG_PIPELINE_EVENTS)
    _require_visible(actor, submission)
    if outcome not in InterviewOutcome.values:
        raise ValidationError({"outcome": "Choose advance, hold or reject."})
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": "Rate the interview from 1 to 5."})
    terms = role_terms(submission.role)
    stage_names = [stage["name"] for stage in terms.interview_stages]
    if stage_names and stage_name not in stage_names:
        raise ValidationError({"stage_name": "Choose one of the agreed interview stages."})
    if is_blank(stage_name):
        raise ValidationError({"stage_name": "Name the interview stage."})
    if outcome == InterviewOutcome.REJECT and is_blank(comment):
        raise ValidationError({"comment": "Say why the candidate is not going further."})
    with transaction.atomic(), events.batch():
        submission = _locked(submission)
        if submission.stage != Stage.INTERVIEWING:
            raise ApplicationError("Interview feedback is for candidates who are interviewing.")
        feedback = InterviewFeedback.objects.create(
            organization_id=submission.organization_id,
            submission=submission,
            author=actor,
            stage_name=stage_name,
            outcome=outcome,
            rating=rating,
            comment=comment.strip(),
        )
        activity_record(
            actor=actor,
            verb="interview.feedback_logged",
            submission=submission,
            summary=f"{stage_name} with {submission.candidate}: {feedback.get_outcome_display()}",
            payload={"stage": stage_name, "outcome": outcome, "rating": rating},
        )
        if outcome == InterviewOutcome.REJECT:
            _move(
                actor,
                submission,
                Stage.REJECTED,
                reason=feedback.comment,
                follows_from_review=True,
            )
    return feedback
