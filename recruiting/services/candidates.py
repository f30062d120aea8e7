"""Candidates, their consent and their résumé."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import Membership
from accounts.permissions import Action, require
from activity.services import activity_record
from lib.tenancy import require_same_organization
from recruiting.models import Candidate
from recruiting.services._common import clean_text_list, external_reference_checked
from recruiting.services.consent import consent_record_unstated

CANDIDATE_FIELDS = (
    "full_name",
    "email",
    "phone",
    "location",
    "current_title",
    "current_company",
    "links",
    "source",
    "tags",
    "internal_notes",
    "external_source",
    "external_id",
)

# What a résumé may be, recognised by its first bytes rather than its name.
RESUME_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "docx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}


def validate_resume(upload: UploadedFile) -> None:
    if upload.size > settings.RESUME_MAX_BYTES:
        limit = settings.RESUME_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"resume": f"The résumé is larger than {limit} MB."})
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    signatures = RESUME_SIGNATURES.get(extension)
    head = upload.read(8)
    upload.seek(0)
    if signatures is None or not head.startswith(signatures):
        raise ValidationError({"resume": "Upload the résumé as a PDF or Word document."})


EMAIL_TAKEN = "A candidate with this email already exists."
# Two writers adding one email at once both pass the check; the constraint stops one.
UNIQUE_EMAIL = {"candidate_email_unique_per_org": ("email", EMAIL_TAKEN)}


def _check_email_free(candidate: Candidate) -> None:
    taken = Candidate.objects.filter(email__iexact=candidate.email).exclude(pk=candidate.pk)
    if taken.exists():
        raise ValidationError({"email": EMAIL_TAKEN})


def _apply(candidate: Candidate, fields: dict, resume: UploadedFile | None):
    for key, value in fields.items():
        if key in CANDIDATE_FIELDS:
            setattr(candidate, key, value)
    candidate.email = candidate.email.strip().lower()
    candidate.tags = clean_text_list(candidate.tags)
    candidate.links = clean_text_list(candidate.links)
    if resume is not None:
        validate_resume(resume)
        candidate.resume_name = resume.name[:200]
    candidate.full_clean(exclude=["organization", "resume"])
    _check_email_free(candidate)


def candidate_create(
    *,
    actor: Membership,
    full_name: str,
    email: str,
    resume: UploadedFile | None = None,
    consent_to_represent: bool = False,
    **fields,
) -> Candidate:
    """Add a candidate. `consent_to_represent` (the API's flag) records their consent to
    be represented, how not stated; recruiters record consent with how they learnt of it
    (`consent_record`)."""
    require(actor, Action.EDIT_CANDIDATES)
    candidate = Candidate(organization_id=actor.organization_id, full_name=full_name, email=email)
    _apply(candidate, fields, resume)
    with external_reference_checked(candidate, unique=UNIQUE_EMAIL), transaction.atomic():
        candidate.save(force_insert=True)
        if resume is not None:
            candidate.resume.save(resume.name, resume, save=True)
        activity_record(
            actor=actor,
            verb="candidate.created",
            candidate=candidate,
            summary=f"Candidate {candidate} added",
            internal=True,
        )
        if consent_to_represent:
            consent_record_unstated(actor=actor, candidate=candidate, granted=True)
    return candidate


def candidate_update(
    *,
    actor: Membership,
    candidate: Candidate,
    resume: UploadedFile | None = None,
    consent_to_represent: bool | None = None,
    **fields,
) -> Candidate:
    require(actor, Action.EDIT_CANDIDATES)
    require_same_organization(actor, candidate)
    _apply(candidate, fields, resume)
    with external_reference_checked(candidate, unique=UNIQUE_EMAIL), transaction.atomic():
        candidate.save(update_fields=[*CANDIDATE_FIELDS, "resume_name", "updated_at"])
        if resume is not None:
            candidate.resume.save(resume.name, resume, save=False)
            candidate.save(update_fields=["resume", "updated_at"])
        activity_record(
            actor=actor,
            verb="candidate.updated",
            candidate=candidate,
            summary=f"Candidate {candidate} updated",
            internal=True,
        )
        if consent_to_represent is not None:
            consent_record_unstated(actor=actor, candidate=candidate, granted=consent_to_represent)
    return candidate
