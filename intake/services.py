"""Intake meetings and the versioned expectation agreement."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import Action, require, require_client_access
from activity.services import activity_record
from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    AgreementStatus,
    ExpectationAgreement,
    IntakeAttendance,
    IntakeMeeting,
    Party,
    StageOwner,
)
from intake.selectors import PARTY_OF_ROLE, agreement_latest
from lib.exceptions import ApplicationError
from lib.tenancy import require_same_organization
from lib.text import is_blank
from recruiting.models import Contact, Role
from recruiting.services._common import clean_text_list

AGREEMENT_TERMS = (
    "submissions_per_week",
    "shortlist_size",
    "checkin_cadence",
    "checkin_weekday",
    "checkin_time",
    "interview_stages",
    "hm_review_sla_hours",
    "hr_approval_sla_hours",
    "interview_feedback_sla_hours",
    "offer_decision_sla_hours",
    "culture_notes_need_hr_approval",
    "must_haves",
    "nice_to_haves",
    "deal_breakers",
    "culture_traits",
    "glossary",
    "talent_scarcity",
    "salary_position",
    "expected_days_to_fill",
    "market_notes",
)
# Terms a role's first version must state; later versions start from the newest one.
# The others have a model default, or a rule of their own in `agreement_propose`.
FIRST_VERSION_TERMS = tuple(
    name
    for name in AGREEMENT_TERMS
    if not (field := ExpectationAgreement._meta.get_field(name)).has_default() and not field.blank
)
MEETING_RECORDING_WINDOW = timedelta(days=365)


def intake_meeting_record(
    *,
    actor: Membership,
    role: Role,
    held_at: datetime,
    attendees: list[Contact],
    notes: str,
    terms: dict,
) -> ExpectationAgreement:
    """Record the intake meeting and propose the agreement it produced."""
    require(actor, Action.EDIT_AGREEMENT)
    require_same_organization(actor, role, *attendees)
    if any(contact.client_id != role.client_id for contact in attendees):
        raise ValidationError({"attendees": f"Attendees must be contacts of {role.client}."})
    now = timezone.now()
    if held_at > now:
        raise ValidationError({"held_at": "Record the meeting once it has taken place."})
    if held_at < now - MEETING_RECORDING_WINDOW:
        raise ValidationError({"held_at": "That is more than a year ago; check the date."})
    with transaction.atomic():
        meeting = IntakeMeeting.objects.create(
            organization_id=actor.organization_id,
            role=role,
            held_at=held_at,
            recruiter=actor,
            notes=notes.strip(),
        )
        IntakeAttendance.objects.bulk_create(
            IntakeAttendance(organization_id=actor.organization_id, meeting=meeting, contact=c)
            for c in attendees
        )
        activity_record(
            actor=actor,
            verb="intake.recorded",
            role=role,
            summary=f"Intake meeting for {role} recorded",
            payload={"held_at": held_at.isoformat(), "attendees": [c.full_name for c in attendees]},
        )
        return agreement_propose(actor=actor, role=role, terms=terms, intake_meeting=meeting)


def agreement_propose(
    *,
    actor: Membership,
    role: Role,
    terms: dict,
    intake_meeting: IntakeMeeting | None = None,
) -> ExpectationAgreement:
    """Propose a new version of the role's agreement.

    Versions are immutable once proposed: editing means proposing the next
    version. An earlier proposal nobody agreed to is superseded; the agreed
    version stays in force until this one is agreed.
    """
    require(actor, Action.EDIT_AGREEMENT)
    require_same_organization(actor, role)
    agreement = ExpectationAgreement(
        organization_id=actor.organization_id,
        role=role,
        status=AgreementStatus.PROPOSED,
        intake_meeting=intake_meeting,
        proposed_by=actor,
        **_clean_terms(terms),
    )
    with transaction.atomic():
        # Locking the role serialises proposals, so version numbers never collide.
        Role.objects.select_for_update().filter(pk=role.pk).first()
        latest = ExpectationAgreement.objects.filter(role=role).order_by("-version").first()
        if (
            latest is not None
            and latest.status != AgreementStatus.SUPERSEDED
            and all(getattr(latest, term) == getattr(agreement, term) for term in AGREEMENT_TERMS)
        ):
            if intake_meeting is not None:
                return latest  # the meeting confirmed the terms in place
            raise ValidationError(
                f"These terms are the same as version {latest.version}: nothing to propose."
            )
        highest = ExpectationAgreement.objects.filter(role=role).aggregate(Max("version"))
        agreement.version = (highest["version__max"] or 0) + 1
        agreement.full_clean(exclude=["organization", "role", "intake_meeting", "proposed_by"])
        agreement.save(force_insert=True)
        ExpectationAgreement.objects.filter(role=role, status=AgreementStatus.PROPOSED).exclude(
            pk=agreement.pk
        ).update(status=AgreementStatus.SUPERSEDED, updated_at=timezone.now())
        activity_record(
            actor=actor,
            verb="agreement.proposed",
            role=role,
            summary=f"Agreement v{agreement.version} for {role} proposed",
            payload={"version": agreement.version},
        )
    return agreement


def agreement_revise(*, actor: Membership, role: Role, changes: dict) -> ExpectationAgreement:
    """Propose the role's next version: its newest version's terms with `changes` applied.

    A revision names only what changes, as the revise page pre-fills the rest. A
    role's first version has nothing to start from and states every term that has
    no default.
    """
    require(actor, Action.EDIT_AGREEMENT)
    require_same_organization(actor, role)
    latest = agreement_latest(role=role)
    terms = {name: getattr(latest, name) for name in AGREEMENT_TERMS} if latest else {}
    terms.update(changes)
    missing = [name for name in FIRST_VERSION_TERMS if name not in terms]
    if missing:
        raise ValidationError(
            {name: "This field is required for a role's first agreement." for name in missing}
        )
    return agreement_propose(actor=actor, role=role, terms=terms)


def _clean_terms(terms: dict) -> dict:
    unknown = set(terms) - set(AGREEMENT_TERMS)
    if unknown:
        raise ValueError(f"Not agreement terms: {sorted(unknown)}")
    cleaned = dict(terms)
    for key in ("must_haves", "nice_to_haves", "deal_breakers", "culture_traits"):
        if key in cleaned:
            cleaned[key] = clean_text_list(cleaned[key])
    if not cleaned.get("must_haves"):
        raise ValidationError({"must_haves": "Agree on at least one must-have."})
    cleaned["interview_stages"] = _clean_stages(cleaned.get("interview_stages", []))
    cleaned["glossary"] = _clean_glossary(cleaned.get("glossary", []))
    return cleaned


def _clean_stages(stages: list[dict]) -> list[dict]:
    cleaned, names = [], set()
    for stage in stages:
        name = str(stage.get("name", "")).strip()
        if not name:
            continue
        if name in names:
            raise ValidationError({"interview_stages": f"“{name}” appears twice."})
        owner = stage.get("owner", "hiring_manager")
        if owner not in StageOwner.values:
            raise ValidationError({"interview_stages": f"“{owner}” cannot own a stage."})
        try:
            days = int(stage.get("expected_days", 0))
        except (TypeError, ValueError) as error:
            raise ValidationError(
                {"interview_stages": "Expected days are whole numbers."}
            ) from error
        if not 1 <= days <= 60:
            raise ValidationError({"interview_stages": f"“{name}”: expect 1 to 60 days."})
        names.add(name)
        cleaned.append({"name": name[:80], "owner": owner, "expected_days": days})
    if not cleaned:
        raise ValidationError({"interview_stages": "Agree on at least one interview stage."})
    return cleaned


def _clean_glossary(entries: list[dict]) -> list[dict]:
    cleaned = []
    for entry in entries:
        term = str(entry.get("term", "")).strip()
        meaning = str(entry.get("meaning", "")).strip()
        if term and meaning:
            cleaned.append({"term": term[:80], "meaning": meaning[:500]})
        elif term or meaning:
            raise ValidationError({"glossary": "Each glossary term needs its meaning."})
    return cleaned


def agreement_acknowledge(
    *, actor: Membership, agreement: ExpectationAgreement, comment: str = ""
) -> ExpectationAgreement:
    """The hiring manager or HR accepts a proposal; with both, it is agreed and in force."""
    require(actor, Action.ACKNOWLEDGE_AGREEMENT)
    require_same_organization(actor, agreement)
    role = agreement.role
    require_client_access(actor, role.client_id)
    party = PARTY_OF_ROLE[actor.role]
    with transaction.atomic():
        agreement = ExpectationAgreement.objects.select_for_update().get(pk=agreement.pk)
        if agreement.status != AgreementStatus.PROPOSED:
            raise ApplicationError(
                f"Version {agreement.version} is {agreement.get_status_display().lower()}; "
                "only a proposal can be acknowledged."
            )
        _, created = AgreementAcknowledgement.objects.get_or_create(
            organization_id=agreement.organization_id,
            agreement=agreement,
            party=party,
            defaults={"membership": actor, "comment": comment.strip()},
        )
        if not created:
            raise ApplicationError(f"{party.label} already acknowledged this version.")
        activity_record(
            actor=actor,
            verb="agreement.acknowledged",
            role=role,
            summary=f"{party.label} acknowledged agreement v{agreement.version} for {role}",
            payload={"version": agreement.version, "party": party},
        )
        parties = set(agreement.acknowledgements.values_list("party", flat=True))
        if parties >= {Party.HIRING_MANAGER, Party.HR}:
            _make_agreed(actor, agreement, role)
    return agreement


def _make_agreed(actor: Membership, agreement: ExpectationAgreement, role: Role) -> None:
    now = timezone.now()
    ExpectationAgreement.objects.filter(role=role, status=AgreementStatus.AGREED).update(
        status=AgreementStatus.SUPERSEDED, updated_at=now
    )
    agreement.status = AgreementStatus.AGREED
    agreement.agreed_at = now
    agreement.save(update_fields=["status", "agreed_at", "updated_at"])
    role.agreement = agreement
    role.save(update_fields=["agreement", "updated_at"])
    activity_record(
        actor=actor,
        verb="agreement.agreed",
        role=role,
        summary=f"Agreement v{agreement.version} for {role} is agreed and in force",
        payload={"version": agreement.version},
    )


def agreement_comment(
    *, actor: Membership, agreement: ExpectationAgreement, body: str
) -> AgreementComment:
    require(actor, Action.COMMENT_AGREEMENT)
    require_same_organization(actor, agreement)
    require_client_access(actor, agreement.role.client_id)
    if is_blank(body):
        raise ValidationError({"body": "Write a comment."})
    with transaction.atomic():
        comment = AgreementComment.objects.create(
            organization_id=agreement.organization_id,
            agreement=agreement,
            author=actor,
            body=body.strip(),
        )
        activity_record(
            actor=actor,
            verb="agreement.commented",
            role=agreement.role,
            summary=f"{actor.user.get_full_name()} commented on agreement v{agreement.version}",
            payload={"version": agreement.version, "body": comment.body[:500]},
        )
    return comment
