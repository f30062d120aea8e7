"""The rollups follow the events that change them, in the events' own transactions.

Subscribed from MetricsConfig.ready(). Each handler works out what the change adds
(`metrics.facts`, the same functions the rebuild uses), with at most one indexed read,
and hands it to `metrics.rollups.rollup_add`, which writes the deltas of a whole
service call at once as its block ends. docs/metrics.md#how-the-rollups-are-kept says
which event feeds which figure.
"""

from datetime import datetime

from django.db import connection

from activity.events import subscribe as on_activity
from activity.models import Activity
from engagements.events import CLOCK_CLOSED, CLOCK_DUE_CHANGED, CLOCK_OPENED
from engagements.models import ResponseClock
from lib import events
from metrics import facts
from metrics.models import DelayLoss, TargetPeriod
from metrics.rollups import rollup_add
from recruiting.models import RoleStatus, Stage, Submission

STAGE_CHANGED = "submission.stage_changed"


@events.subscribe(CLOCK_OPENED)
def count_opened_clock(*, clock: ResponseClock) -> None:
    rollup_add(organization_id=clock.organization_id, deltas=facts.clock_opened(clock))


@events.subscribe(CLOCK_DUE_CHANGED)
def move_clock_to_its_new_due_day(*, clock: ResponseClock, previous_due_at) -> None:
    if facts.day(previous_due_at) != facts.day(clock.due_at):
        rollup_add(
            organization_id=clock.organization_id,
            deltas=facts.clock_due_moved(clock, previous_due_at),
        )


@events.subscribe(CLOCK_CLOSED)
def count_closed_clocks(*, clocks: list[ResponseClock], others: list[ResponseClock]) -> None:
    """Each closed clock's outcome; and the submission's first feedback, when one of
    them is the client's first answer on it (none of its other clocks answered)."""
    first = clocks[0]
    calendar = first.client.calendar
    deltas = [delta for clock in clocks for delta in facts.clock_closed(clock, calendar)]
    answer = facts.earliest_answer(clocks)
    if answer is not None and facts.earliest_answer(others) is None:
        deltas += facts.first_feedback(
            submission_created_at=answer.submission.created_at,
            clock=answer,
            calendar=calendar,
        )
    rollup_add(organization_id=first.organization_id, deltas=deltas)


@on_activity("submission.created")
def count_submission(activity: Activity) -> None:
    submission = activity.submission
    deltas = facts.submission_created(submission)
    is_first, intake_held_at = _first_of_role(submission)
    if is_first:
        deltas += facts.first_submission(submission, intake_held_at)
    rollup_add(organization_id=submission.organization_id, deltas=deltas)


def _first_of_role(submission: Submission):
    """Whether it is its role's first submission, and when the role's latest intake
    meeting before it was held: one statement (the handler's budget is a millisecond
    or two), through the (organization, role, …) indexes of both tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM recruiting_submission WHERE organization_id = %s "
            "AND role_id = %s AND id <> %s), (SELECT max(held_at) FROM intake_intakemeeting "
            "WHERE organization_id = %s AND role_id = %s AND held_at <= %s AND created_at <= %s)",
            [
                submission.organization_id,
                submission.role_id,
                submission.pk,
                submission.organization_id,
                submission.role_id,
                submission.created_at,
                submission.created_at,
            ],
        )
        return cursor.fetchone()


@on_activity(STAGE_CHANGED)
def count_stage_move(activity: Activity) -> None:
    """The funnel (the stage reached), the time spent in the stage left, a hire or a
    loss, and a loss's cost of delay."""
    submission = activity.submission
    left, reached = activity.payload.get("from"), activity.payload.get("to")
    lost = reached in facts.LEFT_THE_PROCESS
    deltas = facts.stage_reached(submission, reached)
    entered_at, clocks = _entered_at_and_clocks(submission, left, before=activity, with_clocks=lost)
    if entered_at is not None:
        deltas += facts.stage_left(submission, left, entered_at, activity.created_at)
    if reached == Stage.HIRED or lost:
        deltas += facts.submission_ended(submission)
    delay = None
    if lost:
        delay = facts.delay_of_loss(
            left_at=submission.stage_changed_at, clocks=clocks, calendar=activity.client.calendar
        )
    rollup_add(
        organization_id=submission.organization_id,
        deltas=deltas,
        rows=[DelayLoss(**delay_loss_fields(submission, delay))] if delay else [],
    )


def _entered_at_and_clocks(
    submission: Submission, stage: str, *, before: Activity, with_clocks: bool
):
    """When the submission entered `stage` (its creation for the first stage, else the
    latest move into it recorded before `before`) and, `with_clocks`, its response
    clocks: a loss needs both, in one round trip."""
    if stage == Stage.SUBMITTED and not with_clocks:
        return submission.created_at, []
    with connection.cursor() as cursor:
        # Through the indexes on submission_id of both tables: the submission's
        # own timeline and clocks.
        cursor.execute(
            "SELECT (SELECT created_at FROM engagements_activity WHERE organization_id = %s "
            "AND submission_id = %s AND verb = %s AND payload->>'to' = %s AND id < %s "
            "ORDER BY id DESC LIMIT 1), c.id, c.submission_id, c.client_id, c.role_id, "
            "c.contact_id, c.owed_by, c.kind, c.due_at, c.closed_at, c.outcome "
            "FROM (VALUES (1)) AS one LEFT JOIN engagements_responseclock c "
            "ON c.organization_id = %s AND c.submission_id = %s AND %s",
            [
                submission.organization_id,
                submission.pk,
                STAGE_CHANGED,
                stage,
                before.pk,
                submission.organization_id,
                submission.pk,
                with_clocks,
            ],
        )
        rows = cursor.fetchall()
    entered_at = submission.created_at if stage == Stage.SUBMITTED else rows[0][0]
    return entered_at, [facts.ClockRow(*row[1:]) for row in rows if row[1] is not None]


def delay_loss_fields(submission: Submission, delay: facts.Delay) -> dict:
    clock = delay.clock
    return {
        "organization_id": submission.organization_id,
        "submission_id": submission.pk,
        "client_id": submission.client_id,
        "role_id": submission.role_id,
        "contact_id": clock.contact_id,
        "clock_id": clock.pk,
        "owed_by": clock.owed_by,
        "reason": delay.reason,
        "stage": submission.stage,
        "lost_at": submission.stage_changed_at,
        "day": facts.day(submission.stage_changed_at),
        "business_seconds_late": delay.business_seconds_late,
        "seconds_late": delay.seconds_late,
    }


@on_activity("checkin.logged")
def count_checkin(activity: Activity) -> None:
    held_at = datetime.fromisoformat(activity.payload["held_at"])
    rollup_add(
        organization_id=activity.organization_id,
        deltas=facts.checkin_held(
            client_id=activity.client_id, role_id=activity.role_id, held_at=held_at
        ),
    )


@on_activity("agreement.agreed", "role.status_changed")
def follow_the_target(activity: Activity) -> None:
    """A new agreement in force, or a role opened or closed, starts or ends the weeks
    its submissions target and check-in cadence apply to."""
    role = activity.role
    agreement = role.agreement
    moment = agreement.agreed_at if activity.verb == "agreement.agreed" else activity.created_at
    target_periods_replace(
        role=role,
        periods=facts.periods_after_change(
            target_periods(role=role),
            moment=moment,
            agreement=agreement,
            is_open=role.status == RoleStatus.OPEN,
        ),
    )


def target_periods(*, role) -> list[facts.Period]:
    return [
        facts.Period(p.starts_on, p.ends_on, p.submissions_per_week, p.checkin_cadence)
        for p in TargetPeriod.objects.filter(role=role).order_by("starts_on")
    ]


def target_periods_replace(*, role, periods: list[facts.Period]) -> None:
    """A role's periods are few (one per agreement or status change): rewrite them all."""
    TargetPeriod.objects.filter(role=role).delete()
    TargetPeriod.objects.bulk_create(
        TargetPeriod(
            organization_id=role.organization_id,
            client_id=role.client_id,
            role_id=role.pk,
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            submissions_per_week=period.submissions_per_week,
            checkin_cadence=period.checkin_cadence,
        )
        for period in periods
    )
