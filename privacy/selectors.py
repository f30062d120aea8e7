"""Reads for privacy: a candidate's exports, and the signed links that download them."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from privacy.models import CandidateExport, ExportState
from recruiting.models import Candidate

LINK_SALT = "privacy.candidate-export.download"


def export_validity() -> timedelta:
    return timedelta(hours=settings.CANDIDATE_EXPORT_TTL_HOURS)


def candidate_export_list(*, candidate: Candidate | None = None) -> QuerySet[CandidateExport]:
    """The organization's exports (one candidate's, if given), newest first."""
    exports = CandidateExport.objects.select_related("candidate", "requested_by__user")
    if candidate is not None:
        exports = exports.filter(candidate=candidate)
    return exports.order_by("-created_at", "-id")


def candidate_export_get(*, public_id) -> CandidateExport:
    return candidate_export_list().get(public_id=public_id)


def _signed_value(export: CandidateExport) -> str:
    return f"{export.public_id}:{int(export.expires_at.timestamp())}"


def export_download_signature(export: CandidateExport) -> str | None:
    """The signature of the export's download link, or None while it has no file.

    It signs the export's id with its expiry, with the project's secret key: it
    cannot be made for another export or another expiry, and it says nothing by itself.
    """
    if export.state != ExportState.READY or export.expires_at is None:
        return None
    return signing.Signer(salt=LINK_SALT).signature(_signed_value(export))


def export_link_valid(export: CandidateExport, signature: str) -> bool:
    """The link's signature is this export's, for its current expiry."""
    expected = export_download_signature(export)
    return expected is not None and constant_time_compare(expected, signature or "")


def export_downloadable(export: CandidateExport) -> bool:
    """Ready and not expired (the purge may not have run yet)."""
    return (
        export.state == ExportState.READY
        and export.expires_at is not None
        and timezone.now() < export.expires_at
    )
