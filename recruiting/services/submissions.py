"""Submissions and their stage machine.

Every move of a submission's stage goes through `submission_move`, which
checks it against the stage machine (recruiting/stages.py: what may follow what,
who may make it) and records an activity; the engagements app, subscribed to that
event, opens or closes the response clocks the new stage implies.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import Action, require, require_client_access
from activity.services import activity_record
from lib import events
from lib.exceptions import ApplicationError
from lib.tenancy import require_same_organization
from lib.text import EVIDENCE_MAX_LENGTH, is_blank, require_max_length
from recruiting.models import (
    Candidate,
    CultureStatus,
    LostReason,
    Role,
    RoleStatus,
    Stage,
    Submission,
)
from recruiting.services._common import external_reference_checked
from recruiting.stages import stage_move_refusal
from recruiting.terms import role_terms


def _require_visible(actor: Membership, submission: Submission) -> None:
    require_same_organization(actor, submission)
    require_client_access(actor, submission.client_id)


def submission_create(
    *,
    actor: Membership,
    role: Role,
    candidate: Candidate,
    pitch: str,
    skills_summary: list[dict] | None = None,
    culture_fit_notes: str = "",
    competing_offer_deadline: datetime | None = None,
    external_source: str = "",
    external_id: str = "",
) -> Submission:
    """Put a candidate forward. Culture-fit notes go to HR first when the agreement says so;
    otherwise the submission goes straight to the hiring manager's review."""
    require(actor, Action.CREATE_SUBMISSION)
    require_same_organization(actor, role, candidate)
    if role.status != RoleStatus.OPEN:
        raise ApplicationError(
            f"{role} is {role.get_status_display().lower()}: it takes no submissions."
        )
    _require_consent(candidate)
    if is_blank(pitch):
        raise ValidationError({"pitch": "Say why this candidate fits the role."})
    if competing_offer_deadline is not None and competing_offer_deadline <= timezone.now():
        raise ValidationError({"competing_offer_deadline": "The deadline is already past."})
    terms = role_terms(role)
    notes = culture_fit_notes.strip()
    needs_hr = bool(notes) and terms.culture_notes_need_hr_approval
    now = timezone.now()
    submission = Submission(
        organization_id=actor.organization_id,
        role=role,
        candidate=candidate,
        client_id=role.client_id,
        submitted_by=actor,
        pitch=pitch.strip(),
        skills_summary=_clean_skills_summary(skills_summary, terms.must_haves),
        culture_fit_notes=notes,
        culture_status=CultureStatus.PENDING if needs_hr else CultureStatus.NOT_REQUIRED,
        competing_offer_deadline=competing_offer_deadline,
        stage=Stage.SUBMITTED,
        stage_changed_at=now,
        external_source=external_source,
        external_id=external_id,
    )
    try:
        with external_reference_checked(submission), transaction.atomic(), events.batch():
            # Read again under the candidate's lock, which the consent writes take too:
            # a withdrawal at this moment either lands first and refuses this, or after.
            _require_consent(Candidate.objects.select_for_update().get(pk=candidate.pk))
            submission.save(force_insert=True)
            activity_record(
                actor=actor,
                verb="submission.created",
                submission=submission,
                summary=f"{candidate} submitted for {role}",
            )
            if not needs_hr:
                _move(actor, submission, Stage.HM_REVIEW, reason="")
    except IntegrityError as error:
        raise ValidationError(
            {"candidate": f"{candidate} has already been submitted for {role}."}
        ) from error
    return submission


NO_CONSENT = "{candidate} has not agreed to be represented to clients: record their consent first."
WITHDRAWN_CONSENT = (
    "{candidate} withdrew their consent to be represented: the submission can be closed, "
    "not moved on, until they consent again."
)
# The moves that put a candidate further forward with the client; closing moves
# (rejected, withdrawn, lost) stay allowed whatever the consent.
FORWARD_STAGES = frozenset({Stage.HM_REVIEW, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED})


def _require_consent(candidate: Candidate) -> None:
    if not candidate.consent_to_represent:
        raise ValidationError({"candidate": NO_CONSENT.format(candidate=candidate)})


def _clean_skills_summary(entries: list[dict] | None, must_haves: list[str]) -> list[dict]:
    """Keep one {"must_have", "evidence"} entry per must-have that has evidence."""
    cleaned = []
    for entry in entries or []:
        must_have = str(entry.get("must_have", "")).strip()
        evidence = str(entry.get("evidence", "")).strip()
        if is_blank(must_have) or is_blank(evidence):
            continue
        require_max_length("skills_summary", evidence, EVIDENCE_MAX_LENGTH)
        if must_haves and must_have not in must_haves:
            raise ValidationError(
                {"skills_summary": f"“{must_have}” is not a must-have of this role."}
            )
        cleaned.append({"must_have": must_have, "evidence": evidence})
    return cleaned


def submission_update(
    *,
    actor: Membership,
    submission: Submission,
    pitch: str | None = None,
    skills_summary: list[dict] | None = None,
    external_source: str | None = None,
    external_id: str | None = None,
) -> Submission:
    """Rewrite the recruiter's pitch or skills summary, or the external reference; only
    what is given changes, and nothing is recorded when nothing changed (an ATS
    pushing the same record again). The stage moves through `submission_move`, the
    culture-fit notes through HR (`submission_revise_culture_notes`)."""
    require(actor, Action.CREATE_SUBMISSION)
    _require_visible(actor, submission)
    changed = []
    if pitch is not None:
        if is_blank(pitch):
            raise ValidationError({"pitch": "Say why this candidate fits the role."})
        if pitch.strip() != submission.pitch:
            submission.pitch = pitch.strip()
            changed.append("pitch")
    if skills_summary is not None:
        cleaned = _clean_skills_summary(skills_summary, role_terms(submission.role).must_haves)
        if cleaned != submission.skills_summary:
            submission.skills_summary = cleaned
            changed.append("skills_summary")
    for field, value in (("external_source", external_source), ("external_id", external_id)):
        if value is not None and value != getattr(submission, field):
            setattr(submission, field, value)
            changed.append(field)
    if not changed:
        return submission
    with external_reference_checked(submission), transaction.atomic():
        submission.save(update_fields=[*changed, "updated_at"])
        if {"pitch", "skills_summary"} & set(changed):
            activity_record(
                actor=actor,
                verb="submission.updated",
                submission=submission,
                summary=f"Pitch for {submission.candidate} revised",
            )
    return submission


def submission_move(
    *,
    actor: Membership,
    submission: Submission,
    to_stage: str,
    reason: str = "",
    lost_reason: str = "",
) -> Submission:
    """Move the submission to `to_stage`, if the pipeline and the actor's role allow it."""
    _require_visible(actor, submission)
    if to_stage == Stage.INTERVIEWING:  # refused before the form's fields are read
        raise stage_move_refusal(role=actor.role, submission=submission, to_stage=to_stage)
    if to_stage == Stage.LOST and lost_reason not in LostReason.values:
        raise ValidationError({"lost_reason": "Say why the candidate was lost."})
    if to_stage in {Stage.REJECTED, Stage.WITHDRAWN} and is_blank(reason):
        raise ValidationError({"reason": "Give a reason; the timeline keeps it."})
    with transaction.atomic(), events.batch():
        locked = submission_locked(submission)
        _move(actor, locked, to_stage, reason=reason, lost_reason=lost_reason)
    submission.refresh_from_db()
    return submission


def submission_locked(submission: Submission, *, of: tuple[str, ...] = ("self",)) -> Submission:
    """The submission's row locked (the rows of `of`), with what a move and the handlers
    of its events read: the role with its client and agreement in force, the candidate
    and the client. Read with the row, they cost no query each."""
    return (
        Submission.objects.select_for_update(of=of)
        .select_related("role__client", "role__agreement", "candidate", "client")
        .get(pk=submission.pk)
    )


def _move(
    actor: Membership,
    submission: Submission,
    to_stage: str,
    *,
    reason: str,
    lost_reason: str = "",
    follows_from_review: bool = False,
) -> None:
    """The one place a stage changes. The caller holds the row (or just created it);
    `follows_from_review` as in `stage_move_refusal`."""
    refusal = stage_move_refusal(
        role=actor.role,
        submission=submission,
        to_stage=to_stage,
        direct=False,  # submission_move refused a direct move to interviews already
        follows_from_review=follows_from_review,
    )
    if refusal is not None:
        raise refusal
    if to_stage in FORWARD_STAGES and not (
        Candidate.objects.filter(pk=submission.candidate_id)
        .values_list("consent_to_represent", flat=True)
        .first()
    ):
        raise ApplicationError(WITHDRAWN_CONSENT.format(candidate=submission.candidate))
    previous = submission.stage
    submission.stage = to_stage
    submission.stage_changed_at = timezone.now()
    submission.lost_reason = lost_reason if to_stage == Stage.LOST else ""
    if reason:
        submission.closing_note = reason.strip()
    submission.save(
        update_fields=["stage", "stage_changed_at", "lost_reason", "closing_note", "updated_at"]
    )
    activity_record(
        actor=actor,
        verb="submission.stage_changed",
        submission=submission,
        summary=f"{submission.candidate}: {Stage(previous).label} → {Stage(to_stage).label}",
        payload={"from": previous, "to": to_stage, "reason": reason, "lost_reason": lost_reason},
    )
    if to_stage == Stage.HIRED:
        _fill_role_when_complete(actor, submission.role)


def _fill_role_when_complete(actor: Membership, role: Role) -> None:
    """The role is filled once it has as many hires as openings."""
    hires = Submission.objects.filter(role=role, stage=Stage.HIRED).count()
    if role.status == RoleStatus.OPEN and hires >= role.openings:
        role.status = RoleStatus.FILLED
        role.save(update_fields=["status", "updated_at"])
        activity_record(
            actor=actor,
            verb="role.status_changed",
            role=role,
            summary=f"{role}: filled ({hires} of {role.openings} hired)",
            payload={"to": RoleStatus.FILLED},
        )


def submission_revise_culture_notes(
    *, actor: Membership, submission: Submission, culture_fit_notes: str
) -> Submission:
    """The recruiter rewrites the notes after HR asked for changes; HR reviews them again."""
    require(actor, Action.CREATE_SUBMISSION)
    _require_visible(actor, submission)
    if is_blank(culture_fit_notes):
        raise ValidationError({"culture_fit_notes": "Write the culture-fit notes."})
    notes = culture_fit_notes.strip()
    if submission.culture_status == CultureStatus.APPROVED:
        raise ApplicationError("HR already approved these notes; they can no longer change.")
    if not submission.is_open:
        raise ApplicationError("This submission is closed.")
    with transaction.atomic():
        submission.culture_fit_notes = notes
        submission.culture_status = CultureStatus.PENDING
        submission.save(update_fields=["culture_fit_notes", "culture_status", "updated_at"])
        activity_record(
            actor=actor,
            verb="submission.culture_notes_revised",
            submission=submission,
            summary=f"Culture-fit notes for {submission.candidate} revised for HR",
        )
    return submission


def submission_answer_info_request(
    *, actor: Membership, submission: Submission, answer: str
) -> Submission:
    """The recruiter answers the hiring manager's "need info"; the review clock restarts."""
    require(actor, Action.CREATE_SUBMISSION)
    _require_visible(actor, submission)
    if submission.stage != Stage.HM_REVIEW:
        raise ApplicationError("Only a submission in review can get more information.")
    if is_blank(answer):
        raise ValidationError({"answer": "Write the information the hiring manager asked for."})
    require_max_length("answer", answer.strip())
    with transaction.atomic():
        activity_record(
            actor=actor,
            verb="submission.info_provided",
            submission=submission,
            summary=f"More information on {submission.candidate} for the hiring manager",
            payload={"answer": answer.strip()},
        )
    return submission


def submission_set_competing_deadline(
    *, actor: Membership, submission: Submission, deadline: datetime | None
) -> Submission:
    """Record (or clear) the candidate's competing-offer deadline; open clocks follow it."""
    require(actor, Action.CREATE_SUBMISSION)
    _require_visible(actor, submission)
    if deadline is not None and deadline <= timezone.now():
        raise ValidationError({"competing_offer_deadline": "The deadline is already past."})
    with transaction.atomic():
        submission.competing_offer_deadline = deadline
        submission.save(update_fields=["competing_offer_deadline", "updated_at"])
        activity_record(
            actor=actor,
            verb="submission.competing_deadline_set",
            submission=submission,
            summary=(
                f"{submission.candidate} has a competing offer until {deadline:%d %b %H:%M} UTC"
                if deadline
                else f"Competing offer deadline cleared for {submission.candidate}"
            ),
            payload={"deadline": deadline.isoformat() if deadline else None},
        )
    return submission
