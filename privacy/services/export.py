"""Writes for privacy: the right of access (docs/privacy.md#answering-an-access-request).

An admin or recruiter asks for an export of one candidate (`candidate_export_request`,
the one place an export is recorded); a worker builds it (`candidate_export_build`):
one ZIP under MEDIA_ROOT, which no URL serves, holding `candidate.json` (the
sections of privacy/sections.py) and the candidate's files. It can be downloaded
through a signed link until it expires; then a periodic task deletes the file
(`candidate_exports_purge_expired`). Builds whose message was lost are enqueued
again by another (`candidate_exports_requeue_stale`).
"""

import hashlib
import json
import logging
import tempfile
import zipfile
from datetime import timedelta

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from accounts.audit import record_security_event
from accounts.models import Membership, SecurityEventKind
from accounts.permissions import Action, require
from accounts.selectors import all_organization_ids
from lib.tasks import enqueue
from lib.tenancy import organization_context, require_same_organization
from privacy import sections
from privacy.models import CandidateExport, ExportState, export_file_path
from privacy.selectors import export_validity
from recruiting.models import Candidate

logger = logging.getLogger(__name__)

BUILD_TASK = "privacy.tasks.build_candidate_export"
DOCUMENT_NAME = "candidate.json"
# A pending export not handed to the broker for this long lost its message.
REQUEUE_AFTER = timedelta(minutes=10)


def _enqueue_build(export: CandidateExport) -> None:
    if enqueue(BUILD_TASK, str(export.organization_id), export.id):
        CandidateExport.objects.filter(pk=export.pk).update(enqueued_at=timezone.now())


def candidate_export_request(*, actor: Membership, candidate: Candidate) -> CandidateExport:
    """Record a request for everything held about `candidate` and have it built.

    Owners, admins and recruiters only. While an export of the candidate is still
    being prepared, asking again returns that one rather than building a second.
    This is the one place an export is recorded: whatever must also know of it (an
    audit of who exported whom) is called from here.
    """
    require(actor, Action.EXPORT_CANDIDATE_DATA)
    require_same_organization(actor, candidate)
    with transaction.atomic():
        # The candidate's row first, as an erasure and a consent change lock it: the
        # security log's lock comes after it in each, so none waits on another in turn.
        list(Candidate.objects.select_for_update().filter(pk=candidate.pk).values_list("pk"))
        pending = (
            CandidateExport.objects.select_for_update()
            .filter(candidate=candidate, state=ExportState.PENDING)
            .first()
        )
        if pending is not None:
            return pending
        export = CandidateExport.objects.create(
            organization_id=actor.organization_id, candidate=candidate, requested_by=actor
        )
        record_security_event(
            actor.organization_id,
            SecurityEventKind.CANDIDATE_EXPORTED,
            actor=actor,
            target=f"candidate {candidate.public_id}",
            details={"export": str(export.public_id)},
        )
        transaction.on_commit(lambda: _enqueue_build(export))
    return export


def _header(export: CandidateExport, now) -> dict:
    requested_by = export.requested_by
    return {
        "generated_at": now.isoformat(),
        "organization": {"id": str(export.organization_id)},
        "export": {
            "id": str(export.public_id),
            "requested_at": export.created_at.isoformat(),
            "requested_by": (
                {"name": requested_by.user.get_full_name(), "email": requested_by.user.email}
                if requested_by
                else None
            ),
        },
    }


def _write_zip(export: CandidateExport, target) -> None:
    """The ZIP: the document, then the files it names (the résumé)."""
    candidate = export.candidate
    now = timezone.now()
    document = sections.build_document(candidate, header=_header(export, now))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        resume_entry = sections.resume_entry_name(candidate)
        if resume_entry is not None:
            try:
                with candidate.resume.open("rb") as resume:
                    content = resume.read()
            except FileNotFoundError:
                document["sections"]["profile"]["resume"]["file"] = None
                document["sections"]["profile"]["resume"]["missing"] = True
            else:
                archive.writestr(resume_entry, content)
                document["sections"]["profile"]["resume"]["sha256"] = hashlib.sha256(
                    content
                ).hexdigest()
        archive.writestr(
            DOCUMENT_NAME, json.dumps(document, cls=DjangoJSONEncoder, indent=2, sort_keys=False)
        )


def candidate_export_build(*, export_id: int) -> CandidateExport | None:
    """Build a pending export's ZIP and make it downloadable until it expires.

    Safe to run twice: the row is locked while it is built, and an export no longer
    pending is left as it is. A failure is recorded on the export (state `failed`,
    `error`) rather than retried: the member can ask again.
    """
    with transaction.atomic():
        export = (
            CandidateExport.objects.select_for_update(of=("self",))
            .select_related("candidate", "requested_by__user")
            .filter(pk=export_id, state=ExportState.PENDING)
            .first()
        )
        if export is None:
            return None
        path = export_file_path(export.organization_id, export.public_id)
        try:
            with tempfile.TemporaryFile() as spool:
                _write_zip(export, spool)
                size = spool.tell()
                spool.seek(0)
                if default_storage.exists(path):
                    default_storage.delete(path)
                stored = default_storage.save(path, File(spool))
        except Exception:
            logger.exception("Candidate export %s failed", export.public_id)
            export.state = ExportState.FAILED
            export.error = "The export could not be built. Ask for a new one."
            export.finished_at = timezone.now()
            export.save(update_fields=["state", "error", "finished_at", "updated_at"])
            return export
        export.state = ExportState.READY
        export.file_path = stored
        export.file_size = size
        export.finished_at = timezone.now()
        export.expires_at = export.finished_at + export_validity()
        export.save(
            update_fields=[
                "state",
                "file_path",
                "file_size",
                "finished_at",
                "expires_at",
                "updated_at",
            ]
        )
    return export


def candidate_export_open(export: CandidateExport):
    """The export's ZIP, opened for reading (FileNotFoundError if it is gone)."""
    return default_storage.open(export.file_path, "rb")


def _expire(export: CandidateExport) -> None:
    if export.file_path and default_storage.exists(export.file_path):
        default_storage.delete(export.file_path)
    export.state = ExportState.EXPIRED
    export.file_path = ""
    export.save(update_fields=["state", "file_path", "updated_at"])


def candidate_exports_purge_expired() -> int:
    """Delete the file of every organization's ready exports past their expiry; the
    row stays (who asked, when), marked expired. Returns how many were purged."""
    purged = 0
    now = timezone.now()
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            for export in CandidateExport.objects.filter(
                state=ExportState.READY, expires_at__lte=now
            ):
                _expire(export)
                purged += 1
    return purged


def candidate_exports_requeue_stale() -> int:
    """Enqueue again every pending export whose message was lost (the broker was down,
    the worker died): never handed over, or handed over long ago."""
    requeued = 0
    cutoff = timezone.now() - REQUEUE_AFTER
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            stale = CandidateExport.objects.filter(
                state=ExportState.PENDING, created_at__lte=cutoff
            ).exclude(enqueued_at__gt=cutoff)
            for export in stale:
                _enqueue_build(export)
                requeued += 1
    return requeued
