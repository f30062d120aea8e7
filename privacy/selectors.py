"""Reads for privacy: a candidate's exports and the signed links that download them,
and what the retention policy will touch, read for its page and its run."""

import calendar
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from activity.models import Activity
from integrations.models import IdempotencyRecord, WebhookDelivery
from privacy.models import (
    CandidateErasure,
    CandidateExport,
    ExportState,
    RetentionPolicy,
    RetentionRun,
)
from recruiting.models import Candidate


def retention_policy(*, organization_id) -> RetentionPolicy:
    """The organization's policy, or the defaults (unsaved) until an admin saves one."""
    return RetentionPolicy.objects.filter(organization_id=organization_id).first() or (
        RetentionPolicy(organization_id=organization_id)
    )


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day
    when it is shorter: 31 March less one month is 28 or 29 February)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def candidate_cutoff(policy: RetentionPolicy, *, now: datetime) -> datetime | None:
    if policy.candidates_after_months is None:
        return None
    return months_before(now, policy.candidates_after_months)


def candidates_to_anonymise(*, policy: RetentionPolicy, now: datetime | None = None) -> QuerySet:
    """Candidates not yet erased with no change and no timeline entry since the cutoff
    (their submissions' entries carry them too), oldest change first; none when the
    policy keeps candidates."""
    now = now or timezone.now()
    cutoff = candidate_cutoff(policy, now=now)
    if cutoff is None:
        return Candidate.objects.none()
    recent = Activity.objects.filter(candidate=OuterRef("pk"), created_at__gte=cutoff)
    erased = CandidateErasure.objects.filter(candidate_public_id=OuterRef("public_id"))
    return (
        Candidate.objects.filter(updated_at__lt=cutoff)
        .filter(~Exists(recent), ~Exists(erased))
        .order_by("updated_at", "id")
    )


def webhook_deliveries_to_delete(*, policy: RetentionPolicy, now: datetime | None = None):
    cutoff = (now or timezone.now()) - timedelta(days=policy.webhook_deliveries_after_days)
    return WebhookDelivery.objects.filter(created_at__lt=cutoff)


def idempotency_records_to_delete(*, policy: RetentionPolicy, now: datetime | None = None):
    cutoff = (now or timezone.now()) - timedelta(hours=policy.idempotency_after_hours)
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff)


def retention_runs() -> QuerySet[RetentionRun]:
    return RetentionRun.objects.order_by("-day")


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
