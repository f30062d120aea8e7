"""The submission's stage machine, declared once: what may follow what, who may make
each move, and the one function that says whether a move is allowed.

`submission_move` (recruiting/services/submissions.py) refuses with it, the
submission page offers the moves it allows, and the API answers 403 or 409 from it.
"""

from accounts.models import MembershipRole
from accounts.permissions import AGENCY, EVERYONE
from lib.exceptions import ApplicationError, PermissionDenied
from recruiting.models import CultureStatus, Stage, Submission


class InvalidStageMove(ApplicationError):
    """A stage change the pipeline does not allow."""


CLOSED_TO_ALL = frozenset({Stage.REJECTED, Stage.WITHDRAWN, Stage.LOST})

# What may follow what. Terminal stages allow nothing.
STAGE_MOVES: dict[str, frozenset[str]] = {
    Stage.SUBMITTED: frozenset({Stage.HM_REVIEW}) | CLOSED_TO_ALL,
    Stage.HM_REVIEW: frozenset({Stage.INTERVIEWING}) | CLOSED_TO_ALL,
    Stage.INTERVIEWING: frozenset({Stage.OFFER}) | CLOSED_TO_ALL,
    Stage.OFFER: frozenset({Stage.HIRED}) | CLOSED_TO_ALL,
    Stage.HIRED: frozenset(),
    Stage.REJECTED: frozenset(),
    Stage.WITHDRAWN: frozenset(),
    Stage.LOST: frozenset(),
}

# Who may move a submission into each stage directly.
MOVE_ROLES: dict[str, frozenset[str]] = {
    # The recruiter sends it on once HR approved the notes (or none were needed).
    Stage.HM_REVIEW: AGENCY,
    # Only the hiring manager's skills review advances a candidate to interviews.
    Stage.INTERVIEWING: frozenset({MembershipRole.HIRING_MANAGER}),
    # Anyone logs offers and hires (docs/design.md#23-permission-matrix).
    Stage.OFFER: EVERYONE,
    Stage.HIRED: EVERYONE,
    # The client rejects through its reviews (skills review, interview feedback);
    # a direct move is the agency recording a decision the client gave elsewhere.
    Stage.REJECTED: AGENCY,
    Stage.WITHDRAWN: AGENCY,
    Stage.LOST: AGENCY,
}

AWAITING_HR = frozenset({CultureStatus.PENDING, CultureStatus.CHANGES_REQUESTED})


def stage_move_refusal(
    *,
    role: str,
    submission: Submission,
    to_stage: str,
    direct: bool = True,
    follows_from_review: bool = False,
) -> ApplicationError | None:
    """Why `role` may not move the submission to `to_stage` now, or None if it may.

    `direct` is a move asked for as such (the move form, the API's move action);
    the review services move as a consequence of a review (`direct=False`): only
    the hiring manager's advancing review reaches interviews. `follows_from_review`
    marks a move that the actor's review entitles them to (HR's approval releases a
    submission to the hiring manager; a skills review or interview feedback
    rejects), so their own right to make the move directly is not asked.
    """
    target = Stage(to_stage).label
    if direct and to_stage == Stage.INTERVIEWING:
        return PermissionDenied(
            "Candidates advance to interviews through the hiring manager's review."
        )
    if to_stage not in STAGE_MOVES[submission.stage]:
        return InvalidStageMove(
            f"A submission in “{submission.get_stage_display()}” cannot move to “{target}”."
        )
    if not follows_from_review and role not in MOVE_ROLES[to_stage]:
        role_name = MembershipRole(role).label.lower()
        return PermissionDenied(f"As {role_name} you cannot move a submission to “{target}”.")
    if to_stage == Stage.HM_REVIEW and submission.culture_status in AWAITING_HR:
        return InvalidStageMove("HR has not approved the culture-fit notes yet.")
    return None


def stage_move_targets(*, role: str, submission: Submission) -> list[str]:
    """The stages `role` may move the submission to directly, in pipeline order.

    Only the stages that may follow its own are asked about: the others the refusal
    would turn down anyway, at the cost of its message (a board asks for every card)."""
    following = STAGE_MOVES[submission.stage]
    return [
        stage
        for stage in Stage.values
        if stage in following
        and stage_move_refusal(role=role, submission=submission, to_stage=stage) is None
    ]
