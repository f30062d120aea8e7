"""The right to erasure: one candidate's identifying data removed from every table and
file of the organization, while the rows the metrics count stay as anonymous rows.

`candidate_erase` is the one write (docs/privacy.md#erasure). In one transaction it

1. anonymises the candidate's row ("Erased candidate" and a random token; no email,
   phone, links, location, title, company, notes, tags, source or external ids) and
   lets go of the résumé and of the files of their exports (the exports read as
   expired), which are deleted once the transaction commits;
2. blanks the free text written about them: their submissions' pitches, evidence,
   culture-fit and closing notes and external ids, the reviews', approvals' and
   interview feedback's comments, their consent records' notes, addresses and
   browsers, and the free text of their timeline entries' payloads (answers,
   comments, reasons);
3. rewrites what was rendered from those entries: the webhook deliveries' bodies
   (rendered again from the cleaned entries) and their attempts' answers, and the
   stored API answers (idempotency records) that carried their objects;
4. sweeps every text column of every table of the organization for their name, email
   and phone, whole words only, and replaces each mention (timeline summaries,
   notifications, check-in notes, comments, mails' records, other stored answers);
5. records the erasure (who, when, how, which public id: no personal data) and the
   `candidate.erased` event, whose webhook carries the public id and the external
   reference only, so an ATS can erase its copy.

Submissions keep their role, client, stage and timestamps, clocks and rollups stay
untouched, so the metrics count the submission as before.
"""

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.audit import record_security_event
from accounts.models import Membership, SecurityEventKind
from accounts.permissions import Action, require
from activity.models import Activity
from activity.services import activity_record
from integrations.models import IdempotencyRecord, WebhookAttempt, WebhookDelivery
from integrations.services.webhooks import webhook_event_body
from lib import events
from lib.exceptions import ApplicationError
from lib.models import TenantModel
from lib.tenancy import require_same_organization
from privacy.models import CandidateErasure, CandidateExport, ErasureVia, ExportState
from recruiting.models import (
    Candidate,
    ConsentRecord,
    CultureApproval,
    InterviewFeedback,
    SkillsReview,
    Submission,
)

ERASED_NAME = "Erased candidate"
ERASED_TEXT = "[erased]"
ERASED_EMAIL_DOMAIN = "erased.invalid"
# Keys of a timeline entry's payload (or a stored API answer) that hold free text a
# person wrote about the candidate, or the candidate's own details.
FREE_TEXT_KEYS = frozenset(
    {
        "answer",
        "closing_note",
        "comment",
        "culture_fit_notes",
        "current_company",
        "current_title",
        "email",
        "evidence",
        "external_id",
        "external_source",
        "full_name",
        "internal_notes",
        "links",
        "location",
        "name",
        "notes",
        "phone",
        "pitch",
        "reason",
        "resume_name",
        "reviewed_notes",
        "source",
        "tags",
    }
)
# A mention shorter than this is not looked for across the organization's text: it
# would match words that are not the person.
MENTION_MIN_LENGTH = 4
ALREADY_ERASED = "This candidate has been erased already."


class AlreadyErased(ApplicationError):
    pass


@dataclass(frozen=True)
class Mentions:
    """How the person may appear in stored text, and what replaces each form."""

    replacements: dict[str, str]  # lowercased mention -> replacement

    @property
    def needles(self) -> list[str]:
        return list(self.replacements)

    def pattern(self) -> re.Pattern:
        # Whole words only: "Ann" is replaced, "Annual" is not. Longest first, so an
        # email is replaced before the name it may contain.
        alternatives = "|".join(
            re.escape(needle) for needle in sorted(self.replacements, key=len, reverse=True)
        )
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)

    def replace(self, text: str) -> str:
        return self.pattern().sub(lambda match: self.replacements[match[0].lower()], text)


def _forms(value: str) -> set[str]:
    """The value as typed, and as JSON writes it (escaped, and escaped to ASCII)."""
    value = value.strip()
    if len(value) < MENTION_MIN_LENGTH:
        return set()
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    return {form for form in forms if len(form) >= MENTION_MIN_LENGTH}


def _mentions(candidate: Candidate, *, label: str, email: str) -> Mentions:
    replacements: dict[str, str] = {}
    for value, replacement in (
        (candidate.full_name, label),
        (candidate.email, email),
        (candidate.phone, ERASED_TEXT),
    ):
        for form in _forms(value or ""):
            replacements.setdefault(form.lower(), replacement)
    digits = re.sub(r"\D", "", candidate.phone or "")
    if len(digits) >= 7 and digits != candidate.phone:
        replacements.setdefault(digits, ERASED_TEXT)
    return Mentions(replacements)


def _scrub(value, mentions: Mentions, *, free_text_keys: bool):
    """A copy of a JSON value with the mentions replaced and, with `free_text_keys`,
    the free text under FREE_TEXT_KEYS blanked (same type, so readers keep working)."""
    if isinstance(value, str):
        return mentions.replace(value)
    if isinstance(value, list):
        return [_scrub(item, mentions, free_text_keys=free_text_keys) for item in value]
    if isinstance(value, dict):
        scrubbed = {}
        for key, item in value.items():
            if free_text_keys and key in FREE_TEXT_KEYS:
                scrubbed[key] = _blank(item)
            else:
                scrubbed[key] = _scrub(item, mentions, free_text_keys=free_text_keys)
        return scrubbed
    return value


def _blank(value):
    if isinstance(value, str):
        return ERASED_TEXT if value else ""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return value


def candidate_erase(
    *, actor: Membership | None, candidate: Candidate, via: str = ErasureVia.PAGE
) -> CandidateErasure:
    """Erase the candidate (see the module's docstring); `actor` is None only for the
    operator's command and the retention policy. Refused for an erased candidate."""
    if actor is not None:
        require(actor, Action.EDIT_CANDIDATES)
        require_same_organization(actor, candidate)
    organization_id = candidate.organization_id
    with transaction.atomic(), events.batch():
        candidate = Candidate._base_manager.select_for_update().get(
            pk=candidate.pk, organization_id=organization_id
        )
        if CandidateErasure.objects.filter(
            organization_id=organization_id, candidate_public_id=candidate.public_id
        ).exists():
            raise AlreadyErased(ALREADY_ERASED)
        token = secrets.token_hex(4)
        label = f"{ERASED_NAME} {token}"
        email = f"erased-{token}@{ERASED_EMAIL_DOMAIN}"
        mentions = _mentions(candidate, label=label, email=email)
        external = {"source": candidate.external_source, "id": candidate.external_id}
        resume = candidate.resume.name if candidate.resume else ""
        submission_ids = list(
            Submission._base_manager.filter(
                organization_id=organization_id, candidate=candidate
            ).values_list("pk", flat=True)
        )
        public_ids = [str(candidate.public_id)] + [
            str(public_id)
            for public_id in Submission._base_manager.filter(pk__in=submission_ids).values_list(
                "public_id", flat=True
            )
        ]
        _allow_timeline_rewrite(True)
        _candidate_anonymise(candidate, label=label, email=email)
        _submissions_scrub(organization_id, submission_ids)
        _consent_scrub(organization_id, candidate)
        export_files = _exports_discard(organization_id, candidate)
        activity_ids = _timeline_scrub(organization_id, candidate, submission_ids, mentions)
        _webhooks_rewrite(organization_id, activity_ids)
        _stored_answers_scrub(organization_id, public_ids, mentions)
        for model, fields in text_columns():
            _mentions_replace(model, fields, organization_id, mentions)
        _allow_timeline_rewrite(False)
        erasure = CandidateErasure.objects.create(
            organization_id=organization_id,
            candidate_public_id=candidate.public_id,
            erased_by=actor,
            via=via,
            resume_deleted=bool(resume),
        )
        # Append-only: the candidate by public id only, nothing that names them.
        record_security_event(
            organization_id,
            SecurityEventKind.CANDIDATE_ERASED,
            actor=actor,
            target=f"candidate {candidate.public_id}",
            details={"via": via},
        )
        activity_record(
            actor=actor,
            verb="candidate.erased",
            candidate=candidate,
            summary="A candidate was erased",
            payload={
                "candidate": str(candidate.public_id),
                "external_source": external["source"],
                "external_id": external["id"],
            },
            internal=True,
        )
        if resume:
            storage = candidate.resume.storage
            transaction.on_commit(lambda: storage.delete(resume))
        for path in export_files:
            transaction.on_commit(lambda path=path: default_storage.delete(path))
    return erasure


def _allow_timeline_rewrite(allowed: bool) -> None:
    """The timeline's trigger refuses updates unless this transaction is erasing
    (privacy/migrations/0001_initial.py); the setting ends with the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('rapport.erasing', %s, true)", ["on" if allowed else ""])


def _candidate_anonymise(candidate: Candidate, *, label: str, email: str) -> None:
    Candidate._base_manager.filter(pk=candidate.pk).update(
        full_name=label,
        email=email,
        phone="",
        location="",
        current_title="",
        current_company="",
        resume="",
        resume_name="",
        links=[],
        source="",
        tags=[],
        internal_notes="",
        external_source="",
        external_id="",
        updated_at=timezone.now(),
    )
    candidate.refresh_from_db()


def _submissions_scrub(organization_id, submission_ids: list[int]) -> None:
    submissions = Submission._base_manager.filter(
        organization_id=organization_id, pk__in=submission_ids
    )
    for pk, skills in submissions.values_list("pk", "skills_summary"):
        evidence = [
            {**entry, "evidence": ""} if isinstance(entry, dict) else {} for entry in skills or []
        ]
        Submission._base_manager.filter(pk=pk).update(skills_summary=evidence)
    submissions.update(
        pitch=ERASED_TEXT, culture_fit_notes="", closing_note="", external_source="", external_id=""
    )
    answers = {"organization_id": organization_id, "submission_id__in": submission_ids}
    SkillsReview._base_manager.filter(**answers).update(comment="")
    CultureApproval._base_manager.filter(**answers).update(comment="", reviewed_notes="")
    InterviewFeedback._base_manager.filter(**answers).update(comment="")


def _exports_discard(organization_id, candidate: Candidate) -> list[str]:
    """The candidate's exports lose their files (deleted once the erasure commits) and
    read as expired; the record that each was asked for, by whom and when, stays.
    Returns the files' paths."""
    exports = CandidateExport._base_manager.filter(
        organization_id=organization_id, candidate=candidate
    )
    paths = [path for path in exports.values_list("file_path", flat=True) if path]
    exports.update(
        state=ExportState.EXPIRED, file_path="", file_size=None, updated_at=timezone.now()
    )
    return paths


def _consent_scrub(organization_id, candidate: Candidate) -> None:
    """Keep that consent was given or withdrawn, and when (what the agency may have to
    show), without the notes about it or the address and browser it came from."""
    ConsentRecord._base_manager.filter(organization_id=organization_id, candidate=candidate).update(
        note="", ip_address=None, user_agent=""
    )


def _timeline_scrub(organization_id, candidate, submission_ids, mentions) -> list[int]:
    """Blank the free text of the candidate's timeline entries; the mentions in their
    summaries go with the sweep. Returns the entries' ids."""
    entries = Activity._base_manager.filter(organization_id=organization_id).filter(
        models.Q(candidate=candidate) | models.Q(submission_id__in=submission_ids)
    )
    ids = []
    for pk, payload in entries.values_list("pk", "payload"):
        ids.append(pk)
        scrubbed = _scrub(payload, mentions, free_text_keys=True)
        if scrubbed != payload:
            Activity._base_manager.filter(pk=pk).update(payload=scrubbed)
    return ids


def _webhooks_rewrite(organization_id, activity_ids: list[int]) -> None:
    """The deliveries of those entries carry the cleaned entries from now on (a replay
    sends the anonymous body), and the receivers' answers to them are dropped."""
    deliveries = WebhookDelivery._base_manager.filter(
        organization_id=organization_id, activity_id__in=activity_ids
    )
    if not deliveries.exists():
        return
    entries = Activity._base_manager.filter(pk__in=activity_ids).select_related(
        "actor", "client", "role", "candidate", "submission"
    )
    bodies = {entry.pk: webhook_event_body(activity=entry) for entry in entries}
    for pk, activity_id in deliveries.values_list("pk", "activity_id"):
        WebhookDelivery._base_manager.filter(pk=pk).update(body=bodies[activity_id])
    WebhookAttempt._base_manager.filter(
        organization_id=organization_id, delivery__in=deliveries
    ).update(response_excerpt="")


def _stored_answers_scrub(organization_id, public_ids: list[str], mentions: Mentions) -> None:
    """Stored API answers (idempotency records) about the candidate or their
    submissions keep answering retries, without the free text."""
    match = models.Q()
    for public_id in public_ids:
        match |= models.Q(response_body__contains=public_id)
    records = IdempotencyRecord._base_manager.filter(organization_id=organization_id).filter(match)
    for pk, body in records.values_list("pk", "response_body"):
        try:
            scrubbed = json.dumps(
                _scrub(json.loads(body), mentions, free_text_keys=True), ensure_ascii=False
            )
        except ValueError:
            scrubbed = mentions.replace(body)
        IdempotencyRecord._base_manager.filter(pk=pk).update(response_body=scrubbed)


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, ArrayField)
# Columns that are another person's (or company's) own name or address: a namesake
# keeps theirs. Free text about anyone is swept.
IDENTITY_COLUMNS = frozenset(
    {
        ("recruiting.candidate", "full_name"),
        ("recruiting.candidate", "email"),
        ("recruiting.candidate", "phone"),
        ("recruiting.contact", "full_name"),
        ("recruiting.contact", "email"),
        ("recruiting.contact", "phone"),
        ("recruiting.client", "name"),
        ("accounts.invitation", "email"),
        ("engagements.nudgedelivery", "email"),
    }
)


# The security log refuses every update (append-only, hash-chained): what it records
# names a candidate by public id only, so there is nothing in it to sweep, and a staff
# member's own email there that happened to match would otherwise stop the erasure.
NOT_SWEPT = frozenset({"accounts.securityevent"})


def text_columns() -> Iterable[tuple[type[models.Model], list[models.Field]]]:
    """Every organization-owned table and its columns that can hold text written by
    someone: each CharField, TextField, JSONField and array, except choices and the
    columns of another person's own name or address (IDENTITY_COLUMNS); the security
    log aside (NOT_SWEPT)."""
    for model in apps.get_models():
        if (
            not issubclass(model, TenantModel)
            or model._meta.proxy
            or model._meta.label_lower in NOT_SWEPT
        ):
            continue
        fields = [
            field
            for field in model._meta.local_concrete_fields
            if isinstance(field, TEXT_FIELDS)
            and not field.choices
            and (model._meta.label_lower, field.name) not in IDENTITY_COLUMNS
        ]
        if fields:
            yield model, fields


def _mentions_replace(model, fields, organization_id, mentions: Mentions) -> int:
    """Replace the mentions in the table's text columns, rows of the organization only;
    one query finds the rows (most tables have none), one update per row found."""
    if not mentions.needles:
        return 0
    rows = model._base_manager.filter(organization_id=organization_id)
    match = models.Q()
    for field in fields:
        column = field.name
        if not isinstance(field, models.CharField | models.TextField):
            column = f"_erasure_{field.name}"
            rows = rows.annotate(**{column: Cast(field.name, models.TextField())})
        for needle in mentions.needles:
            match |= models.Q(**{f"{column}__icontains": needle})
    changed = 0
    for row in rows.filter(match).values("pk", *(field.name for field in fields)):
        changes = {}
        for field in fields:
            value = row[field.name]
            scrubbed = _scrub(value, mentions, free_text_keys=False)
            if scrubbed != value:
                changes[field.name] = scrubbed
        if changes:
            model._base_manager.filter(pk=row["pk"]).update(**changes)
            changed += 1
    return changed
