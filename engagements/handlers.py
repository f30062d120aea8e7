"""What the engagement record does when something happens lower down.

Recruiting's services record what happened (a submission created or moved, a
review given); these handlers, subscribed to those events, open and close the
response clocks the change implies. They run in the recording transaction, so a
clock exists exactly when the change that opened it does.
"""

from activity.events import subscribe
from activity.models import Activity
from engagements.models import ClockKind, ClockOutcome
from engagements.services.clocks import (
    clock_open,
    clocks_apply_competing_deadline,
    clocks_close,
    owed_by_for_stage,
)
from recruiting.models import CultureStatus, InterviewOutcome, ReviewDecision, Stage
from recruiting.terms import role_terms

# Leaving the process cancels what was owed; any other move means it was answered.
LEFT_THE_PROCESS = frozenset({Stage.WITHDRAWN, Stage.LOST})


@subscribe("submission.created", "submission.culture_notes_revised")
def open_culture_approval_clock(activity: Activity) -> None:
    """Culture-fit notes awaiting HR start HR's clock."""
    submission = activity.submission
    if submission.culture_status == CultureStatus.PENDING:
        clock_open(
            submission=submission,
            kind=ClockKind.HR_APPROVAL,
            sla_hours=role_terms(submission.role).hr_approval_sla_hours,
            opened_at=activity.created_at,
        )


@subscribe("submission.stage_changed")
def clocks_follow_the_stage(activity: Activity) -> None:
    """Close what the previous stage owed and open what the new one owes."""
    submission = activity.submission
    clocks_close(
        submission=submission,
        by=activity.actor,
        outcome=ClockOutcome.CANCELLED
        if submission.stage in LEFT_THE_PROCESS
        else ClockOutcome.ANSWERED,
    )
    terms = role_terms(submission.role)
    if submission.stage == Stage.HM_REVIEW:
        clock_open(
            submission=submission, kind=ClockKind.HM_REVIEW, sla_hours=terms.hm_review_sla_hours
        )
    elif submission.stage == Stage.INTERVIEWING:
        first_stage = terms.interview_stages[0] if terms.interview_stages else None
        clock_open(
            submission=submission,
            kind=ClockKind.INTERVIEW_FEEDBACK,
            sla_hours=terms.interview_feedback_sla_hours,
            stage_name=first_stage["name"] if first_stage else "Interview",
            owed_by=owed_by_for_stage(first_stage),
        )


@subscribe("submission.info_provided")
def restart_review_clock(activity: Activity) -> None:
    """The recruiter answered the hiring manager's question: the review is owed again."""
    submission = activity.submission
    clock_open(
        submission=submission,
        kind=ClockKind.HM_REVIEW,
        sla_hours=role_terms(submission.role).hm_review_sla_hours,
    )


@subscribe("submission.competing_deadline_set")
def clocks_follow_the_deadline(activity: Activity) -> None:
    clocks_apply_competing_deadline(submission=activity.submission)


@subscribe("review.completed")
def pause_review_clock_for_questions(activity: Activity) -> None:
    """A "need info" review hands the turn to the recruiter; advancing or rejecting
    moves the stage, which closes the clock."""
    if activity.payload.get("decision") == ReviewDecision.NEED_INFO:
        clocks_close(submission=activity.submission, by=activity.actor, kinds=[ClockKind.HM_REVIEW])


@subscribe("culture_approval.completed")
def close_culture_approval_clock(activity: Activity) -> None:
    clocks_close(submission=activity.submission, by=activity.actor, kinds=[ClockKind.HR_APPROVAL])


@subscribe("interview.feedback_logged")
def next_interview_clock(activity: Activity) -> None:
    """Feedback answers this stage's clock; advancing opens the next stage's, or after
    the last stage the offer decision's."""
    submission = activity.submission
    clocks_close(submission=submission, by=activity.actor, kinds=[ClockKind.INTERVIEW_FEEDBACK])
    if activity.payload.get("outcome") != InterviewOutcome.ADVANCE:
        return
    terms = role_terms(submission.role)
    stage_names = [stage["name"] for stage in terms.interview_stages]
    done = activity.payload.get("stage")
    position = stage_names.index(done) if done in stage_names else len(stage_names) - 1
    if position + 1 < len(stage_names):
        clock_open(
            submission=submission,
            kind=ClockKind.INTERVIEW_FEEDBACK,
            sla_hours=terms.interview_feedback_sla_hours,
            stage_name=stage_names[position + 1],
            owed_by=owed_by_for_stage(terms.interview_stages[position + 1]),
        )
    else:
        clock_open(
            submission=submission,
            kind=ClockKind.OFFER_DECISION,
            sla_hours=terms.offer_decision_sla_hours,
        )
