"""The retention policy: editing it, and its daily run per organization.

A run is claimed once per organization and day (`RetentionRun`, unique on the two):
the task runs every hour, the first run of the day does the work and the later ones
find it finished. The work goes in small transactions that each count what they did
on the run row, so a worker that dies leaves a run that is taken up where it stopped
once its lease has passed (docs/privacy.md#retention).
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import record_security_event
from accounts.models import Membership, SecurityEventKind
from accounts.permissions import Action, require
from accounts.selectors import all_organization_ids
from activity.services import activity_record
from lib.tenancy import organization_context
from privacy import selectors
from privacy.models import ErasureVia, RetentionPolicy, RetentionRun
from privacy.services.erasure import candidate_erase

logger = logging.getLogger(__name__)

# How long a run may go without counting progress before another worker takes it up.
RUN_LEASE = timedelta(minutes=30)
BATCH_SIZE = 500

POLICY_FIELDS = (
    "candidates_after_months",
    "webhook_deliveries_after_days",
    "idempotency_after_hours",
)


def retention_policy_update(
    *,
    actor: Membership,
    candidates_after_months: int | None,
    webhook_deliveries_after_days: int,
    idempotency_after_hours: int,
) -> RetentionPolicy:
    require(actor, Action.MANAGE_ORGANIZATION)
    policy = selectors.retention_policy(organization_id=actor.organization_id)
    policy.candidates_after_months = candidates_after_months
    policy.webhook_deliveries_after_days = webhook_deliveries_after_days
    policy.idempotency_after_hours = idempotency_after_hours
    policy.updated_by = actor
    policy.full_clean(exclude=["organization", "updated_by"], validate_unique=False)
    with transaction.atomic():
        policy.save()
        activity_record(
            actor=actor,
            verb="retention_policy.updated",
            summary="Data retention policy updated",
            payload={field: getattr(policy, field) for field in POLICY_FIELDS},
            internal=True,
        )
    return policy


def _claim(*, organization_id, day, now) -> RetentionRun | None:
    """Today's run, leased to this worker; None when it is finished or leased."""
    with transaction.atomic():
        RetentionRun.objects.bulk_create(
            [RetentionRun(organization_id=organization_id, day=day)], ignore_conflicts=True
        )
        run = RetentionRun.objects.select_for_update().get(day=day)
        if run.finished_at is not None or (
            run.claimed_until is not None and run.claimed_until > now
        ):
            return None
        run.claimed_until = now + RUN_LEASE
        run.save(update_fields=["claimed_until", "updated_at"])
    return run


def _count(run: RetentionRun, field: str, number: int) -> None:
    RetentionRun.objects.filter(pk=run.pk).update(
        **{field: F(field) + number}, claimed_until=timezone.now() + RUN_LEASE
    )


def _delete_in_batches(run: RetentionRun, rows, field: str) -> None:
    while True:
        with transaction.atomic():
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:BATCH_SIZE])
            if not ids:
                return
            # The deliveries' attempts go with them (a cascade).
            rows.model.objects.filter(pk__in=ids).delete()
            _count(run, field, len(ids))


def retention_run(*, organization_id) -> RetentionRun | None:
    """Apply the organization's policy once today (in the active organization's
    context); None when today's run is done or another worker holds it."""
    now = timezone.now()
    run = _claim(organization_id=organization_id, day=now.date(), now=now)
    if run is None:
        return None
    policy = selectors.retention_policy(organization_id=organization_id)
    _delete_in_batches(
        run,
        selectors.webhook_deliveries_to_delete(policy=policy, now=now),
        "webhook_deliveries_deleted",
    )
    _delete_in_batches(
        run,
        selectors.idempotency_records_to_delete(policy=policy, now=now),
        "idempotency_records_deleted",
    )
    while candidates := list(
        selectors.candidates_to_anonymise(policy=policy, now=now)[:BATCH_SIZE]
    ):
        for candidate in candidates:
            # The erasure and its count commit together: a resumed run counts it once,
            # and an erased candidate is no longer among those to anonymise.
            with transaction.atomic():
                candidate_erase(actor=None, candidate=candidate, via=ErasureVia.RETENTION)
                _count(run, "candidates_erased", 1)
    with transaction.atomic():
        RetentionRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), claimed_until=None, updated_at=timezone.now()
        )
        run.refresh_from_db()
        record_security_event(
            organization_id,
            SecurityEventKind.RETENTION_APPLIED,
            target=f"the run of {run.day.isoformat()}",
            details={
                "candidates_erased": run.candidates_erased,
                "webhook_deliveries_deleted": run.webhook_deliveries_deleted,
                "idempotency_records_deleted": run.idempotency_records_deleted,
            },
        )
    return run


def retention_runs_apply() -> int:
    """Every organization's run of today; a failing organization does not hold up the
    others (its run stays unfinished and is taken up again next time)."""
    finished = 0
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            try:
                finished += retention_run(organization_id=organization_id) is not None
            except Exception:
                logger.exception("retention run failed", extra={"organization": organization_id})
    return finished
