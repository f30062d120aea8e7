"""What each fact adds to the rollups, as `Delta`s: one function per kind of change.

The event handlers (`metrics.handlers`) call these with what an event just changed;
the rebuild (`metrics.rebuild`) calls the same functions with the raw rows as they
stand. Everything here is pure arithmetic on the values it is given: no queries.

Days are UTC dates (docs/metrics.md#the-grain). Durations are whole seconds.
"""

from collections import namedtuple
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from engagements.models import ClockKind, ClockOutcome
from lib.business_hours import BusinessCalendar, business_hours_between
from metrics import histograms
from metrics.models import (
    ClockRollup,
    DelayReason,
    DurationRollup,
    FeedbackRollup,
    Measure,
    RoleRollup,
    SubmissionRollup,
)
from metrics.rollups import Delta
from recruiting.models import Stage

# The answers that count as the client's first feedback on a submission: the hiring
# manager's skills review and HR's culture-fit decision (the clocks they close).
FIRST_FEEDBACK_KINDS = frozenset({ClockKind.HM_REVIEW, ClockKind.HR_APPROVAL})
# Business hours of lateness after which a late answer earns no credit in the
# responsiveness score (a working week of 5 × 8 hours).
NO_CREDIT_AFTER = 40 * 3600
FULL_CREDIT = 1_000_000
# A loss this soon after a late answer is counted as a cost of delay.
LATE_ANSWER_WINDOW = timedelta(days=7)
FUNNEL_REACHED = {
    Stage.INTERVIEWING: "reached_interviewing",
    Stage.OFFER: "reached_offer",
    Stage.HIRED: "reached_hired",
    Stage.REJECTED: "rejected",
    Stage.WITHDRAWN: "withdrawn",
    Stage.LOST: "lost",
}
TIMED_STAGE_COUNTERS = {
    Stage.SUBMITTED: ("left_submitted", "submitted_seconds"),
    Stage.HM_REVIEW: ("left_hm_review", "hm_review_seconds"),
    Stage.INTERVIEWING: ("left_interviewing", "interviewing_seconds"),
    Stage.OFFER: ("left_offer", "offer_seconds"),
}
LEFT_THE_PROCESS = frozenset({Stage.LOST, Stage.WITHDRAWN})

# A response clock with the attributes the facts read, lighter than a model instance
# (the rebuild reads hundreds of thousands, a loss's handler a submission's few).
ClockRow = namedtuple(
    "ClockRow",
    "pk submission_id client_id role_id contact_id owed_by kind due_at closed_at outcome",
)


def day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def seconds(duration: timedelta) -> int:
    return max(0, round(duration.total_seconds()))


def business_seconds(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    return seconds(business_hours_between(calendar=calendar, start=start, end=end))


def late_credit(lateness_business_seconds: int) -> int:
    """A late answer's credit in the responsiveness score, in millionths: full at the
    due time, falling linearly to none after NO_CREDIT_AFTER business hours late."""
    remaining = max(0, NO_CREDIT_AFTER - lateness_business_seconds)
    return remaining * FULL_CREDIT // NO_CREDIT_AFTER


def _duration(measure: str, clock_or_role_key: tuple, value: int) -> Delta:
    return Delta(
        DurationRollup,
        (*clock_or_role_key, measure, histograms.bucket(measure, value)),
        {"n": 1},
    )


# --- Response clocks ------------------------------------------------------------------


def _clock_key(clock) -> tuple:
    return (clock.client_id, clock.role_id, clock.contact_id, clock.owed_by, day(clock.due_at))


def clock_opened(clock) -> list[Delta]:
    return [Delta(ClockRollup, _clock_key(clock), {"open": 1})]


def clock_due_moved(clock, previous_due_at: datetime) -> list[Delta]:
    before = (*_clock_key(clock)[:-1], day(previous_due_at))
    return [
        Delta(ClockRollup, before, {"open": -1}),
        Delta(ClockRollup, _clock_key(clock), {"open": 1}),
    ]


def clock_outcome(clock, calendar: BusinessCalendar) -> list[Delta]:
    """How a closed clock counts on its due day: on time, late (with its lateness),
    missed (cancelled after its due time) or cancelled before it."""
    key = _clock_key(clock)
    if clock.closed_at <= clock.due_at:
        counter = "on_time" if clock.outcome == ClockOutcome.ANSWERED else "cancelled"
        return [Delta(ClockRollup, key, {counter: 1})]
    if clock.outcome != ClockOutcome.ANSWERED:
        return [Delta(ClockRollup, key, {"missed": 1})]
    lateness = business_seconds(calendar, clock.due_at, clock.closed_at)
    return [
        Delta(
            ClockRollup,
            key,
            {"late": 1, "late_seconds": lateness, "late_credit": late_credit(lateness)},
        ),
        _duration(Measure.LATENESS, (*key[:3], key[4]), lateness),
    ]


def clock_closed(clock, calendar: BusinessCalendar) -> list[Delta]:
    """A clock that closes leaves the open count of its due day and takes its outcome."""
    return [Delta(ClockRollup, _clock_key(clock), {"open": -1}), *clock_outcome(clock, calendar)]


def clock_as_it_stands(clock, calendar: BusinessCalendar) -> list[Delta]:
    """For the rebuild: an open clock counts as open, a closed one by its outcome."""
    if clock.closed_at is None:
        return clock_opened(clock)
    return clock_outcome(clock, calendar)


def first_feedback(
    *, submission_created_at: datetime, clock, calendar: BusinessCalendar
) -> list[Delta]:
    """The client's first answer on a submission: the first answered skills-review or
    culture-approval clock, counted on the day it came, for the contact who gave it."""
    key = (clock.client_id, clock.role_id, clock.contact_id)
    business = business_seconds(calendar, submission_created_at, clock.closed_at)
    calendar_time = seconds(clock.closed_at - submission_created_at)
    answered_on = day(clock.closed_at)
    return [
        Delta(
            FeedbackRollup,
            (*key, answered_on),
            {"answered": 1, "business_seconds": business, "calendar_seconds": calendar_time},
        ),
        _duration(Measure.FEEDBACK_BUSINESS, (*key, answered_on), business),
        _duration(Measure.FEEDBACK_CALENDAR, (*key, answered_on), calendar_time),
    ]


def earliest_answer(clocks) -> object | None:
    """The first answered clock of the first-feedback kinds among `clocks`."""
    answered = [
        clock
        for clock in clocks
        if clock.outcome == ClockOutcome.ANSWERED and clock.kind in FIRST_FEEDBACK_KINDS
    ]
    return min(answered, key=lambda clock: (clock.closed_at, clock.pk), default=None)


# --- Submissions ----------------------------------------------------------------------


def _cohort_key(submission) -> tuple:
    return (submission.client_id, submission.role_id, day(submission.created_at))


def _role_day_key(submission, moment: datetime) -> tuple:
    return (submission.client_id, submission.role_id, day(moment))


def submission_created(submission) -> list[Delta]:
    return [Delta(SubmissionRollup, _cohort_key(submission), {"submitted": 1})]


def stage_reached(submission, stage: str) -> list[Delta]:
    """The submission's cohort counts it in a stage of the funnel it reached, or in
    the way it left."""
    counter = FUNNEL_REACHED.get(stage)
    if counter is None:
        return []
    return [Delta(SubmissionRollup, _cohort_key(submission), {counter: 1})]


def stage_left(submission, stage: str, entered_at: datetime, left_at: datetime) -> list[Delta]:
    """Time spent in an open stage, counted on the day the submission moved on."""
    counters = TIMED_STAGE_COUNTERS.get(stage)
    if counters is None:
        return []
    count, total = counters
    return [
        Delta(
            RoleRollup,
            _role_day_key(submission, left_at),
            {count: 1, total: seconds(left_at - entered_at)},
        )
    ]


def submission_ended(submission) -> list[Delta]:
    """A hire (with its time to hire) or a loss, on the day of the last move."""
    ended_at = submission.stage_changed_at
    key = _role_day_key(submission, ended_at)
    if submission.stage == Stage.HIRED:
        took = seconds(ended_at - submission.created_at)
        return [
            Delta(RoleRollup, key, {"hired": 1, "hire_seconds": took}),
            _duration(Measure.TIME_TO_HIRE, (*key[:2], None, key[2]), took),
        ]
    if submission.stage in LEFT_THE_PROCESS:
        return [Delta(RoleRollup, key, {submission.stage: 1})]
    return []


def first_submission(submission, intake_held_at: datetime | None) -> list[Delta]:
    """The role's first submission, and how long after its intake meeting it came."""
    if intake_held_at is None:
        return []
    return [
        Delta(
            RoleRollup,
            _role_day_key(submission, submission.created_at),
            {
                "first_submissions": 1,
                "intake_to_submit_seconds": seconds(submission.created_at - intake_held_at),
            },
        )
    ]


def checkin_held(*, client_id: int, role_id: int, held_at: datetime) -> list[Delta]:
    return [Delta(RoleRollup, (client_id, role_id, day(held_at)), {"checkins": 1})]


# --- Cost of delay --------------------------------------------------------------------


@dataclass(frozen=True)
class Delay:
    """Why a lost or withdrawn submission is a cost of delay, and by how much."""

    clock: object
    reason: str
    business_seconds_late: int
    seconds_late: int


def delay_of_loss(*, left_at: datetime, clocks, calendar: BusinessCalendar) -> Delay | None:
    """Whether a submission that left the process at `left_at` did so at a cost of
    delay: a client clock on it was overdue when it left (still open, or cancelled by
    the leaving), else a client answer on it had come late in the 7 days before."""
    overdue = [
        clock
        for clock in clocks
        if (clock.closed_at is None or clock.outcome == ClockOutcome.CANCELLED)
        and clock.due_at <= left_at
    ]
    if overdue:
        clock = min(overdue, key=lambda c: (c.due_at, c.pk))
        return Delay(
            clock,
            DelayReason.OVERDUE,
            business_seconds(calendar, clock.due_at, left_at),
            seconds(left_at - clock.due_at),
        )
    late = [
        clock
        for clock in clocks
        if clock.outcome == ClockOutcome.ANSWERED
        and clock.closed_at > clock.due_at
        and left_at - LATE_ANSWER_WINDOW <= clock.closed_at <= left_at
    ]
    if late:
        clock = max(late, key=lambda c: (c.closed_at, c.pk))
        return Delay(
            clock,
            DelayReason.LATE_ANSWER,
            business_seconds(calendar, clock.due_at, clock.closed_at),
            seconds(clock.closed_at - clock.due_at),
        )
    return None


# --- Targets --------------------------------------------------------------------------


@dataclass
class Period:
    """A stretch of weeks under one agreement while the role is open (TargetPeriod)."""

    starts_on: date
    ends_on: date | None
    submissions_per_week: int
    checkin_cadence: str


def monday_on_or_after(moment: datetime) -> date:
    """The first Monday 00:00 UTC at or after `moment`: weeks count from there."""
    moment = moment.astimezone(UTC)
    monday = moment.date() - timedelta(days=moment.weekday())
    if moment == datetime.combine(monday, datetime.min.time(), tzinfo=UTC):
        return monday
    return monday + timedelta(days=7)


def periods_after_change(
    periods: list[Period], *, moment: datetime, agreement, is_open: bool
) -> list[Period]:
    """The role's periods after a change at `moment` to (agreement in force, open or
    not): the running period ends at the next week boundary, and a new one starts
    there if the role is open under an agreement. A week counts when the role was
    open under an agreement at its start (Monday 00:00 UTC)."""
    boundary = monday_on_or_after(moment)
    result = []
    for period in periods:
        if period.ends_on is None:
            if period.starts_on >= boundary:
                continue  # replaced before it began
            period = Period(
                period.starts_on, boundary, period.submissions_per_week, period.checkin_cadence
            )
        result.append(period)
    if is_open and agreement is not None:
        result.append(
            Period(boundary, None, agreement.submissions_per_week, agreement.checkin_cadence)
        )
    return result
