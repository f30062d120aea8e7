"""The response clocks: opened when the client owes an answer, closed when it comes."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from engagements.events import CLOCK_CLOSED, CLOCK_DUE_CHANGED, CLOCK_OPENED
from engagements.models import ClockKind, ClockOutcome, OwedBy, ResponseClock
from engagements.services.schedule import next_nudge_schedule, policy_levels
from lib.business_hours import add_business_hours
from lib.events import publish

OWED_BY_KIND = {
    ClockKind.HM_REVIEW: OwedBy.HIRING_MANAGER,
    ClockKind.HR_APPROVAL: OwedBy.HR,
    ClockKind.INTERVIEW_FEEDBACK: OwedBy.HIRING_MANAGER,
    ClockKind.OFFER_DECISION: OwedBy.HIRING_MANAGER,
}


def clock_due_at(*, submission, sla_hours: int, opened_at: datetime) -> tuple[datetime, datetime]:
    """(SLA due time, effective due time) for a clock opened now on this submission.

    The SLA counts business hours in the client's calendar; a competing-offer
    deadline that falls earlier becomes the effective due time, because the
    client must answer before the candidate has to decide.
    """
    sla_due = add_business_hours(
        calendar=submission.client.calendar, start=opened_at, hours=sla_hours
    )
    deadline = submission.competing_offer_deadline
    return sla_due, min(sla_due, deadline) if deadline else sla_due


def owed_by_for_stage(stage: dict | None) -> str:
    """Interview feedback is owed by whoever the agreement says runs that stage."""
    return OwedBy.HR if stage and stage.get("owner") == "hr" else OwedBy.HIRING_MANAGER


def clock_open(
    *,
    submission,
    kind: str,
    sla_hours: int,
    stage_name: str = "",
    owed_by: str | None = None,
    opened_at: datetime | None = None,
) -> ResponseClock:
    """Open the clock of `kind` on the submission, or return the one already open."""
    existing = ResponseClock.objects.filter(
        submission=submission, kind=kind, closed_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    opened_at = opened_at or timezone.now()
    sla_due, due = clock_due_at(submission=submission, sla_hours=sla_hours, opened_at=opened_at)
    owed_by = owed_by or OWED_BY_KIND[kind]
    clock = ResponseClock(
        organization_id=submission.organization_id,
        submission=submission,
        # The instances the submission holds, so the nudge ladder below reads them
        # without a query of their own.
        client=submission.client,
        role=submission.role,
        kind=kind,
        owed_by=owed_by,
        contact_id=owing_contact_id(role=submission.role, owed_by=owed_by),
        stage_name=stage_name,
        opened_at=opened_at,
        sla_hours=sla_hours,
        sla_due_at=sla_due,
        due_at=due,
    )
    clock.next_nudge_at = _first_nudge_at(clock)
    clock.save(force_insert=True)
    publish(CLOCK_OPENED, clock=clock)
    return clock


def owing_contact_id(*, role, owed_by: str) -> int | None:
    """The client's contact who owes an action of `owed_by` on the role's submissions:
    its HR contact or its hiring manager, as the role names them when the clock opens."""
    return role.hr_contact_id if owed_by == OwedBy.HR else role.hiring_manager_id


def clocks_close(
    *,
    submission,
    by: Membership | None,
    kinds: list[str] | None = None,
    outcome: str = ClockOutcome.ANSWERED,
) -> int:
    """Close the submission's open clocks (all, or those of `kinds`).

    `answered` when the client acted; `cancelled` when the candidate left the
    process (withdrawn, lost) and nothing is owed any more.
    """
    now = timezone.now()
    # No savepoint: an error fails the caller's block anyway, and the rollups of
    # `clock.closed` join the caller's batch (lib.events.batch), which they may not
    # inside a savepoint of their own.
    with transaction.atomic(savepoint=False):
        # Locked and read before the update, so that `clock.closed` carries exactly the
        # clocks this call closed: a concurrent close of the same clock waits here, then
        # finds it closed and publishes nothing for it. The submission's other clocks
        # (a few) come with them, for the subscribers that weigh a close against them
        # (was it the client's first answer?).
        every = list(
            ResponseClock.objects.filter(submission=submission)
            .select_for_update(of=("self",))
            .select_related("client", "submission")
            .order_by("id")
        )
        clocks = [
            clock
            for clock in every
            if clock.closed_at is None and (kinds is None or clock.kind in kinds)
        ]
        if not clocks:
            return 0
        ResponseClock.objects.filter(pk__in=[clock.pk for clock in clocks]).update(
            closed_at=now, closed_by=by, outcome=outcome, updated_at=now
        )
        for clock in clocks:
            clock.closed_at, clock.closed_by, clock.outcome, clock.updated_at = (
                now,
                by,
                outcome,
                now,
            )
        publish(CLOCK_CLOSED, clocks=clocks, others=[c for c in every if c not in clocks])
    return len(clocks)


def clocks_apply_competing_deadline(*, submission) -> None:
    """Recompute the open clocks' due times after the competing-offer deadline changed."""
    deadline = submission.competing_offer_deadline
    with transaction.atomic(savepoint=False):  # as in clocks_close
        for clock in ResponseClock.objects.filter(
            submission=submission, closed_at__isnull=True
        ).select_related("client"):
            previous_due_at = clock.due_at
            clock.due_at = min(clock.sla_due_at, deadline) if deadline else clock.sla_due_at
            clock.next_nudge_at = (
                _first_nudge_at(clock) if clock.nudge_level == 0 else (clock.next_nudge_at)
            )
            clock.save(update_fields=["due_at", "next_nudge_at", "updated_at"])
            if clock.due_at != previous_due_at:
                publish(CLOCK_DUE_CHANGED, clock=clock, previous_due_at=previous_due_at)


def _first_nudge_at(clock: ResponseClock):
    """When the first level of the client's nudge ladder falls for this clock."""
    client = clock.client
    return next_nudge_schedule(
        clock=clock, levels=policy_levels(client=client), calendar=client.calendar
    )
