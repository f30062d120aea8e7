"""What the retention policy will touch, read for its page and its run."""

import calendar
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from activity.models import Activity
from integrations.models import IdempotencyRecord, WebhookDelivery
from privacy.models import CandidateErasure, RetentionPolicy, RetentionRun
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
