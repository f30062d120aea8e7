"""A candidate's consent, as records: given or withdrawn, per purpose, by whom and how.

Every record goes through `_consent_write`, the one write of consent: it adds the
record, keeps the candidate's current state (`Candidate.consent_to_*`) and records
the timeline entry, in one transaction that holds the candidate's row, so that a
submission being created at the same moment sees either the old or the new state
(`submission_create` reads the flag under the same lock).

A recruiter records what the candidate said by email, on a call or in person
(`consent_record`); the candidate answers for themselves through a signed link
(`consent_link_token`, `consent_link_read`, `consent_record_from_link`) that
the recruiter mails them (`consent_request_send`), without an account.
"""

from contextlib import nullcontext
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record_security_event, request_for_security_log
from accounts.models import Membership, SecurityEventKind
from accounts.permissions import Action, require
from activity.services import activity_record
from lib.exceptions import ApplicationError
from lib.mail import send_mail
from lib.tasks import enqueue
from lib.tenancy import require_same_organization
from recruiting.models import (
    RECRUITER_CONSENT_METHODS,
    Candidate,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
)

# How long a consent link works after it was mailed.
CONSENT_LINK_MAX_AGE = timedelta(days=14)
CONSENT_LINK_SALT = "recruiting.consent-link"
# A link mailed this recently is not mailed again (a second click, a double submit).
CONSENT_REQUEST_INTERVAL = timedelta(minutes=5)
# The column of the candidate that holds the current state of each purpose.
CURRENT_STATE_FIELD = {
    ConsentPurpose.REPRESENT: "consent_to_represent",
    ConsentPurpose.STORE: "consent_to_store",
}


class ConsentLinkInvalid(ApplicationError):
    """The link was altered, cut short or never signed by us (the page answers 404)."""


class ConsentLinkExpired(ApplicationError):
    """The link is older than `CONSENT_LINK_MAX_AGE` (the page answers 410 Gone)."""


def _consent_write(
    *,
    candidate: Candidate,
    purpose: str,
    granted: bool,
    method: str,
    actor: Membership | None,
    effective_at: datetime,
    note: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
) -> ConsentRecord:
    """The one write of consent: the record, the candidate's current state, the timeline."""
    with transaction.atomic():
        locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
        record = ConsentRecord(
            organization_id=candidate.organization_id,
            candidate=locked,
            purpose=purpose,
            granted=granted,
            method=method,
            effective_at=effective_at,
            note=note,
            recorded_by=actor,
            ip_address=ip_address or None,
            user_agent=user_agent[:300],
        )
        record.full_clean(exclude=["organization", "candidate", "recorded_by"])
        record.save(force_insert=True)
        latest = (
            ConsentRecord.objects.filter(candidate=locked, purpose=purpose)
            .order_by("-effective_at", "-id")
            .first()
        )
        field = CURRENT_STATE_FIELD[ConsentPurpose(purpose)]
        setattr(locked, field, latest.granted)
        changed = [field, "updated_at"]
        if purpose == ConsentPurpose.REPRESENT:
            locked.consent_recorded_at = latest.effective_at if latest.granted else None
            changed.append("consent_recorded_at")
        locked.save(update_fields=changed)
        for name in changed:
            setattr(candidate, name, getattr(locked, name))
        label = ConsentPurpose(purpose).label.lower()
        how = ConsentMethod(method).label.lower()
        activity_record(
            actor=actor,
            verb="consent.given" if granted else "consent.withdrawn",
            candidate=locked,
            summary=f"{locked} {'gave' if granted else 'withdrew'} consent {label} ({how})",
            payload={
                "purpose": purpose,
                "granted": granted,
                "method": method,
                "effective_at": effective_at.isoformat(),
                "consent": str(record.public_id),
            },
            internal=True,
        )
        # The security log is append-only, so it names the candidate by public id only,
        # and never keeps the candidate's own address and browser (a link's answer).
        with request_for_security_log(None) if method == ConsentMethod.LINK else nullcontext():
            record_security_event(
                candidate.organization_id,
                (
                    SecurityEventKind.CONSENT_RECORDED
                    if granted
                    else SecurityEventKind.CONSENT_WITHDRAWN
                ),
                actor=actor,
                target=f"candidate {candidate.public_id}",
                details={"purpose": purpose, "method": method},
            )
    return record


def consent_record(
    *,
    actor: Membership,
    candidate: Candidate,
    purpose: str,
    granted: bool,
    method: str,
    note: str = "",
    effective_at: datetime | None = None,
) -> ConsentRecord:
    """A recruiter records the candidate's decision: given or withdrawn, how they learnt
    of it (an email, a call, in person), with a note, at the time it was given (by
    default now; never in the future)."""
    require(actor, Action.EDIT_CANDIDATES)
    require_same_organization(actor, candidate)
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": f"“{purpose}” is not a purpose of consent."})
    if method not in RECRUITER_CONSENT_METHODS:
        choices = ", ".join(str(choice) for choice in RECRUITER_CONSENT_METHODS)
        raise ValidationError({"method": f"Say how the candidate told you: {choices}."})
    now = timezone.now()
    effective_at = effective_at or now
    if effective_at > now:
        raise ValidationError({"effective_at": "Consent cannot be recorded for a future time."})
    return _consent_write(
        candidate=candidate,
        purpose=purpose,
        granted=granted,
        method=method,
        actor=actor,
        effective_at=effective_at,
        note=note.strip(),
    )


def consent_record_unstated(*, actor: Membership, candidate: Candidate, granted: bool) -> None:
    """The candidate's `consent_to_represent` flag set through the API: a record of
    consent to be represented, how not stated, when the flag changes."""
    if granted != candidate.consent_to_represent:
        _consent_write(
            candidate=candidate,
            purpose=ConsentPurpose.REPRESENT,
            granted=granted,
            method=ConsentMethod.UNSTATED,
            actor=actor,
            effective_at=timezone.now(),
        )


# --- The candidate's link ------------------------------------------------------------


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=CONSENT_LINK_SALT)


def consent_link_token(candidate: Candidate) -> str:
    """The signed token of the candidate's link: their organization and their id."""
    return _signer().sign_object(
        {"o": str(candidate.organization_id), "c": str(candidate.public_id)}
    )


def consent_link_url(candidate: Candidate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "recruiting:consent-link", args=[consent_link_token(candidate)]
    )


def consent_link_read(token: str) -> tuple[UUID, UUID]:
    """The organization and the candidate's public id a link names, if we signed it and
    it has not expired."""
    try:
        value = _signer().unsign_object(token, max_age=CONSENT_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ConsentLinkExpired("This link has expired.") from error
    except signing.BadSignature as error:
        raise ConsentLinkInvalid("This link is not valid.") from error
    try:
        return UUID(value["o"]), UUID(value["c"])
    except (KeyError, TypeError, ValueError) as error:  # signed, but not by this code
        raise ConsentLinkInvalid("This link is not valid.") from error


def consent_record_from_link(
    *,
    candidate: Candidate,
    answers: dict[str, bool],
    ip_address: str | None,
    user_agent: str,
) -> list[ConsentRecord]:
    """The candidate's own answers, per purpose, through their link (run in the
    candidate's organization context). Only a purpose whose answer differs from the
    current state, or that has no record yet, is recorded: submitting the same page
    twice adds nothing."""
    answered = set(
        ConsentRecord.objects.filter(candidate=candidate).values_list("purpose", flat=True)
    )
    records = []
    for purpose, granted in answers.items():
        field = CURRENT_STATE_FIELD[ConsentPurpose(purpose)]
        if purpose in answered and getattr(candidate, field) == granted:
            continue
        records.append(
            _consent_write(
                candidate=candidate,
                purpose=purpose,
                granted=granted,
                method=ConsentMethod.LINK,
                actor=None,
                effective_at=timezone.now(),
                ip_address=ip_address,
                user_agent=user_agent,
            )
        )
    return records


def consent_request_send(*, actor: Membership, candidate: Candidate) -> Candidate:
    """Mail the candidate their consent link (by the worker, after commit); refused when
    a link went out minutes ago."""
    require(actor, Action.EDIT_CANDIDATES)
    require_same_organization(actor, candidate)
    now = timezone.now()
    if (
        candidate.consent_requested_at is not None
        and candidate.consent_requested_at > now - CONSENT_REQUEST_INTERVAL
    ):
        raise ApplicationError(
            f"A consent link went to {candidate.email} less than "
            f"{CONSENT_REQUEST_INTERVAL.seconds // 60} minutes ago."
        )
    with transaction.atomic():
        candidate.consent_requested_at = now
        candidate.save(update_fields=["consent_requested_at", "updated_at"])
        activity_record(
            actor=actor,
            verb="consent.requested",
            candidate=candidate,
            summary=f"Consent link sent to {candidate} at {candidate.email}",
            internal=True,
        )
        organization_id, candidate_id, actor_id = (
            str(candidate.organization_id),
            candidate.pk,
            actor.pk,
        )
        transaction.on_commit(
            lambda: enqueue(
                "recruiting.tasks.send_consent_request", organization_id, candidate_id, actor_id
            )
        )
    return candidate


def consent_request_email(*, candidate: Candidate, sender: Membership | None) -> None:
    """The mail with the link (what the worker runs, in the organization's context)."""
    context = {
        "candidate": candidate,
        "organization": candidate.organization,
        "sender": sender.user if sender is not None else None,
        "consent_url": consent_link_url(candidate),
        "expires_at": timezone.now() + CONSENT_LINK_MAX_AGE,
        "purposes": ConsentPurpose.choices,
    }
    send_mail("consent_request", context, to=candidate.email)
