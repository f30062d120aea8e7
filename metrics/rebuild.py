"""Recomputing an organization's rollups from the raw rows (`rebuild_metrics`).

The raw rows are the source of truth: response clocks, submissions with their stage
moves on the timeline, check-ins, intake meetings, agreements and role status
changes. The rebuild reads them once each, runs them through the same functions as
the event handlers (`metrics.facts`) and replaces the organization's rows in one
transaction, under the lock that holds the organization's events back meanwhile
(`metrics.rollups`). Readers see the old rows until it commits.
"""

import time
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.db import transaction

from activity.models import Activity
from engagements.models import CheckIn, ResponseClock
from intake.models import ExpectationAgreement, IntakeMeeting
from lib.tenancy import organization_context
from metrics import facts
from metrics.handlers import STAGE_CHANGED, delay_loss_fields
from metrics.models import ROLLUPS, DelayLoss, TargetPeriod
from metrics.rollups import merged, rebuild_lock, rollup_replace
from recruiting.models import Client, Role, RoleStatus, Stage, Submission

# Light rows with the attribute names the facts read (model instances cost ten times
# as much to build, at hundreds of thousands of rows).
SubmissionRow = namedtuple(
    "SubmissionRow", "pk organization_id client_id role_id created_at stage stage_changed_at"
)
# A stage implies the pipeline stages before it, for submissions whose moves the
# timeline does not hold (imported, or bulk-loaded data).
IMPLIED = {
    Stage.INTERVIEWING: {Stage.INTERVIEWING},
    Stage.OFFER: {Stage.INTERVIEWING, Stage.OFFER},
    Stage.HIRED: {Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED},
}
PIPELINE = frozenset(IMPLIED)


@dataclass
class RebuildReport:
    organization_id: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def metrics_rebuild(*, organization_id) -> RebuildReport:
    """Replace every rollup of the organization with what its raw rows say."""
    started = time.perf_counter()
    report = RebuildReport(str(organization_id))
    with organization_context(organization_id), transaction.atomic():
        rebuild_lock(organization_id=organization_id)
        calendars = {client.pk: client.calendar for client in Client.objects.all()}
        clocks = [
            facts.ClockRow(*row)
            for row in ResponseClock.objects.values_list(*facts.ClockRow._fields)
        ]
        submissions = [
            SubmissionRow(*row) for row in Submission.objects.values_list(*SubmissionRow._fields)
        ]
        # Summed once for every table, the organization-wide totals included.
        sums = merged(
            [
                *_clock_deltas(clocks, submissions, calendars),
                *_submission_deltas(submissions),
                *_checkin_deltas(),
            ]
        )
        for model in ROLLUPS:
            report.rows[model._meta.model_name] = rollup_replace(
                organization_id=organization_id, model=model, sums=sums
            )
        report.rows["delayloss"] = _replace_delay_losses(submissions, clocks, calendars)
        report.rows["targetperiod"] = _replace_target_periods(organization_id)
    report.seconds = time.perf_counter() - started
    return report


def _clock_deltas(clocks, submissions, calendars):
    created = {submission.pk: submission.created_at for submission in submissions}
    by_submission = defaultdict(list)
    for clock in clocks:
        yield from facts.clock_as_it_stands(clock, calendars[clock.client_id])
        by_submission[clock.submission_id].append(clock)
    for submission_id, of_submission in by_submission.items():
        answer = facts.earliest_answer(of_submission)
        if answer is not None:
            yield from facts.first_feedback(
                submission_created_at=created[submission_id],
                clock=answer,
                calendar=calendars[answer.client_id],
            )


def _submission_deltas(submissions):
    moves = Activity.objects.filter(verb=STAGE_CHANGED, submission__isnull=False).order_by("id")
    reached = defaultdict(set)
    entered = {}
    by_id = {submission.pk: submission for submission in submissions}
    for submission_id, at, left, to in moves.values_list(
        "submission_id", "created_at", "payload__from", "payload__to"
    ):
        submission = by_id[submission_id]
        if to in PIPELINE:
            reached[submission_id].add(to)
        entered_at = (
            submission.created_at if left == Stage.SUBMITTED else entered.get((submission_id, left))
        )
        if entered_at is not None:
            yield from facts.stage_left(submission, left, entered_at, at)
        entered[(submission_id, to)] = at
    first_of_role = {}
    for submission in submissions:
        yield from facts.submission_created(submission)
        stages = reached[submission.pk] | IMPLIED.get(submission.stage, set())
        if submission.stage in facts.LEFT_THE_PROCESS or submission.stage == Stage.REJECTED:
            stages.add(submission.stage)
        for stage in stages:
            yield from facts.stage_reached(submission, stage)
        yield from facts.submission_ended(submission)
        known = first_of_role.get(submission.role_id)
        if known is None or (submission.created_at, submission.pk) < (known.created_at, known.pk):
            first_of_role[submission.role_id] = submission
    meetings = defaultdict(list)
    for role_id, held_at, created_at in IntakeMeeting.objects.values_list(
        "role_id", "held_at", "created_at"
    ):
        meetings[role_id].append((held_at, created_at))
    for role_id, submission in first_of_role.items():
        held = [
            held_at
            for held_at, created_at in meetings[role_id]
            if held_at <= submission.created_at and created_at <= submission.created_at
        ]
        yield from facts.first_submission(submission, max(held, default=None))


def _checkin_deltas():
    for client_id, role_id, held_at in CheckIn.objects.values_list(
        "role__client_id", "role_id", "held_at"
    ):
        yield from facts.checkin_held(client_id=client_id, role_id=role_id, held_at=held_at)


def _replace_delay_losses(submissions, clocks, calendars) -> int:
    by_submission = defaultdict(list)
    for clock in clocks:
        by_submission[clock.submission_id].append(clock)
    rows = []
    for submission in submissions:
        if submission.stage not in facts.LEFT_THE_PROCESS:
            continue
        delay = facts.delay_of_loss(
            left_at=submission.stage_changed_at,
            clocks=by_submission[submission.pk],
            calendar=calendars[submission.client_id],
        )
        if delay is not None:
            rows.append(DelayLoss(**delay_loss_fields(submission, delay)))
    DelayLoss.objects.all().delete()
    DelayLoss.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _replace_target_periods(organization_id) -> int:
    """Replay each role's agreements and status changes, in time order, through the
    same step the handler takes at each (`facts.periods_after_change`)."""
    changes = defaultdict(list)  # role id → [(moment, order, kind, value)]
    for role_id, agreed_at, per_week, cadence in ExpectationAgreement.objects.filter(
        agreed_at__isnull=False
    ).values_list("role_id", "agreed_at", "submissions_per_week", "checkin_cadence"):
        changes[role_id].append((agreed_at, "agreement", _Terms(per_week, cadence)))
    for role_id, at, status in Activity.objects.filter(
        verb="role.status_changed", role__isnull=False
    ).values_list("role_id", "created_at", "payload__to"):
        changes[role_id].append((at, "status", status))
    rows = []
    for role_id, client_id, status in Role.objects.values_list("id", "client_id", "status"):
        role_changes = sorted(changes.get(role_id, []), key=lambda change: change[0])
        has_status_changes = any(kind == "status" for _, kind, _ in role_changes)
        # A role is created open; without recorded changes, its status is all we know.
        is_open = True if has_status_changes else status == RoleStatus.OPEN
        agreement, periods = None, []
        for moment, kind, value in role_changes:
            if kind == "agreement":
                agreement = value
            else:
                is_open = value == RoleStatus.OPEN
            periods = facts.periods_after_change(
                periods, moment=moment, agreement=agreement, is_open=is_open
            )
        rows += [
            TargetPeriod(
                organization_id=organization_id,
                client_id=client_id,
                role_id=role_id,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                submissions_per_week=period.submissions_per_week,
                checkin_cadence=period.checkin_cadence,
            )
            for period in periods
        ]
    TargetPeriod.objects.all().delete()
    TargetPeriod.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


_Terms = namedtuple("_Terms", "submissions_per_week checkin_cadence")
