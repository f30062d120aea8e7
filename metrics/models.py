"""The metrics rollups: counters per organization × client × role × contact × day.

Every table here is derived data. Handlers of the domain events add to it in the
event's own transaction (`metrics.rollups.rollup_add`), and `rebuild_metrics`
recomputes it from the raw rows (`metrics.rebuild`); docs/metrics.md defines each
figure, the grain and why. A row exists only for a day on which something happened,
so a table grows with the events, not with the calendar.

Each rollup declares its key (`KEY`, the columns of its unique constraint after the
organization) and its counters (`COUNTERS`, the columns an upsert adds to), so the one
upsert and the one rebuild insert serve them all.

Each detailed rollup has a copy of its counters per organization × day (`TOTALS`,
without client, role or contact), kept by the same upserts and the same rebuild: an
organization-wide read (a 28-day summary, a year of trends) sums a few hundred of
those rows instead of tens of thousands of detailed ones (docs/metrics.md#the-grain).
Likewise per client × week (`CLIENT_WEEKS`) and, for the rollups whose rows crowd
around today, per client × day (`CLIENT_DAYS`): every client's figures over a window
(the client scorecards) sum a few rows per client.
"""

from django.db import models

from lib.models import TenantModel


class Rollup(TenantModel):
    """A table of counters keyed by a grain; see the module docstring."""

    # Declared by each rollup, or by the abstract counters it shares with its totals.
    KEY: tuple[str, ...]
    COUNTERS: tuple[str, ...]
    UNIQUE: str = ""  # the unique constraint that upserts name in ON CONFLICT
    # The organization-wide copy of this rollup: every delta to a row of this one is
    # added to the row of the copy whose key is the projection of its key on the
    # copy's KEY (metrics.rollups.merged).
    TOTALS: "type[Rollup] | None" = None
    # Its copy per organization × client × week (Monday, UTC), kept the same way: a
    # client's figures over a long window sum these for the window's whole weeks.
    CLIENT_WEEKS: "type[Rollup] | None" = None
    # And per organization × client × day, for the days of a window outside its whole
    # weeks: the clocks, submissions and role events (docs/metrics.md#the-grain).
    CLIENT_DAYS: "type[Rollup] | None" = None

    class Meta:
        abstract = True

    @classmethod
    def copies(cls) -> "list[type[Rollup]]":
        """The coarser tables every delta to this one is also added to."""
        return [
            copy for copy in (cls.TOTALS, cls.CLIENT_WEEKS, cls.CLIENT_DAYS) if copy is not None
        ]


def _grain_constraint(name: str, *fields: str) -> models.UniqueConstraint:
    # NULLS NOT DISTINCT: a clock with no contact at the client still has one row per
    # grain, so that ON CONFLICT finds it.
    return models.UniqueConstraint(
        fields=["organization", *fields], name=name, nulls_distinct=False
    )


def _client_index(name: str) -> models.Index:
    # A client's figures over a window (a hiring manager's or HR's dashboard, the
    # client filter): without it, a client's year is read through the whole
    # organization's year.
    return models.Index(fields=["organization", "client", "day"], name=name)


def _client_weeks_constraint(name: str, *fields: str) -> models.UniqueConstraint:
    # Also the index of the client reads: (organization, client, week) ranges.
    return models.UniqueConstraint(fields=["organization", "client", "week", *fields], name=name)


def _client_days_constraint(name: str, *fields: str) -> models.UniqueConstraint:
    # Also the index of the reads of a page of clients: (organization, client, day) ranges.
    return models.UniqueConstraint(fields=["organization", "client", "day", *fields], name=name)


def _days_index(name: str) -> models.Index:
    # Every client's days of a window outside its whole weeks, to sort the clients by a
    # figure: a few days of rows, where the grain's index would step through every
    # client's whole history.
    return models.Index(fields=["organization", "day"], name=name)


def _client_foreign_key() -> models.ForeignKey:
    # No index of its own: every read by client is by organization too, served by an
    # index that leads with (organization, client), and one index less to write.
    return models.ForeignKey(
        "recruiting.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )


def _totals_constraint(name: str, *fields: str) -> models.UniqueConstraint:
    # Also the index of the organization-wide reads: (organization, day) ranges.
    return models.UniqueConstraint(fields=["organization", "day", *fields], name=name)


class ClockCounters(Rollup):
    """The counters of ClockRollup and of its organization-wide totals."""

    open = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    # Business seconds between due time and answer, over the late answers.
    late_seconds = models.BigIntegerField(default=0)
    # The responsiveness score's credit of the late answers, in millionths of a clock.
    late_credit = models.BigIntegerField(default=0)

    COUNTERS = ("open", "on_time", "late", "missed", "cancelled", "late_seconds", "late_credit")

    class Meta:
        abstract = True


class ClockTotals(ClockCounters):
    """ClockRollup summed per organization × due day."""

    day = models.DateField()

    KEY = ("day",)
    UNIQUE = "metrics_clock_totals_grain"

    class Meta:
        constraints = [_totals_constraint("metrics_clock_totals_grain")]


class ClockClientWeeks(ClockCounters):
    """ClockRollup summed per organization × client × week of the due day."""

    client = _client_foreign_key()
    week = models.DateField()

    KEY = ("client_id", "week")
    UNIQUE = "metrics_clock_client_weeks_grain"

    class Meta:
        constraints = [_client_weeks_constraint("metrics_clock_client_weeks_grain")]


class ClockClientDays(ClockCounters):
    """ClockRollup summed per organization × client × due day."""

    client = _client_foreign_key()
    day = models.DateField()

    KEY = ("client_id", "day")
    UNIQUE = "metrics_clock_client_days_grain"

    class Meta:
        constraints = [_client_days_constraint("metrics_clock_client_days_grain")]
        indexes = [_days_index("metrics_clock_days_idx")]


class ClockRollup(ClockCounters):
    """Response clocks by the UTC day of their due time, per contact who owed them.

    `open` is the number of clocks of the grain still open (it goes up when one opens
    and down when it closes or its due time moves to another day); the other counters
    say how each closed clock ended: answered at or before its due time, answered
    after it, cancelled after it (the candidate left while it was overdue), or
    cancelled before it (not counted in compliance).
    """

    client = _client_foreign_key()
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "recruiting.Contact", on_delete=models.CASCADE, null=True, related_name="+"
    )
    owed_by = models.CharField(max_length=20)
    day = models.DateField()

    KEY = ("client_id", "role_id", "contact_id", "owed_by", "day")
    UNIQUE = "metrics_clock_grain"
    TOTALS = ClockTotals
    CLIENT_WEEKS = ClockClientWeeks
    CLIENT_DAYS = ClockClientDays

    class Meta:
        constraints = [
            _grain_constraint("metrics_clock_grain", "day", "client", "role", "contact", "owed_by")
        ]
        indexes = [_client_index("metrics_clock_client_idx")]


class FeedbackCounters(Rollup):
    """The counters of FeedbackRollup and of its organization-wide totals."""

    answered = models.IntegerField(default=0)
    business_seconds = models.BigIntegerField(default=0)
    calendar_seconds = models.BigIntegerField(default=0)

    COUNTERS = ("answered", "business_seconds", "calendar_seconds")

    class Meta:
        abstract = True


class FeedbackTotals(FeedbackCounters):
    """FeedbackRollup summed per organization × day of the answer."""

    day = models.DateField()

    KEY = ("day",)
    UNIQUE = "metrics_feedback_totals_grain"

    class Meta:
        constraints = [_totals_constraint("metrics_feedback_totals_grain")]


class FeedbackClientWeeks(FeedbackCounters):
    """FeedbackRollup summed per organization × client × week of the answer."""

    client = _client_foreign_key()
    week = models.DateField()

    KEY = ("client_id", "week")
    UNIQUE = "metrics_feedback_client_weeks_grain"

    class Meta:
        constraints = [_client_weeks_constraint("metrics_feedback_client_weeks_grain")]


class FeedbackRollup(FeedbackCounters):
    """Each submission's first client answer, by the UTC day it came, per contact who
    gave it: how long after the submission it came, in business and calendar time."""

    client = _client_foreign_key()
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "recruiting.Contact", on_delete=models.CASCADE, null=True, related_name="+"
    )
    day = models.DateField()

    KEY = ("client_id", "role_id", "contact_id", "day")
    UNIQUE = "metrics_feedback_grain"
    TOTALS = FeedbackTotals
    CLIENT_WEEKS = FeedbackClientWeeks

    class Meta:
        constraints = [
            _grain_constraint("metrics_feedback_grain", "day", "client", "role", "contact")
        ]
        indexes = [_client_index("metrics_feedback_client_idx")]


class SubmissionCounters(Rollup):
    """The counters of SubmissionRollup and of its organization-wide totals."""

    submitted = models.IntegerField(default=0)
    reached_interviewing = models.IntegerField(default=0)
    reached_offer = models.IntegerField(default=0)
    reached_hired = models.IntegerField(default=0)
    rejected = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    lost = models.IntegerField(default=0)

    COUNTERS = (
        "submitted",
        "reached_interviewing",
        "reached_offer",
        "reached_hired",
        "rejected",
        "withdrawn",
        "lost",
    )

    class Meta:
        abstract = True


class SubmissionTotals(SubmissionCounters):
    """SubmissionRollup summed per organization × day of the cohort."""

    day = models.DateField()

    KEY = ("day",)
    UNIQUE = "metrics_submission_totals_grain"

    class Meta:
        constraints = [_totals_constraint("metrics_submission_totals_grain")]


class SubmissionClientWeeks(SubmissionCounters):
    """SubmissionRollup summed per organization × client × week of the cohort."""

    client = _client_foreign_key()
    week = models.DateField()

    KEY = ("client_id", "week")
    UNIQUE = "metrics_submission_client_weeks_grain"

    class Meta:
        constraints = [_client_weeks_constraint("metrics_submission_client_weeks_grain")]


class SubmissionClientDays(SubmissionCounters):
    """SubmissionRollup summed per organization × client × day of the cohort."""

    client = _client_foreign_key()
    day = models.DateField()

    KEY = ("client_id", "day")
    UNIQUE = "metrics_submission_client_days_grain"

    class Meta:
        constraints = [_client_days_constraint("metrics_submission_client_days_grain")]
        indexes = [_days_index("metrics_submission_days_idx")]


class SubmissionRollup(SubmissionCounters):
    """Submissions by the UTC day they were made (a cohort): how many, and how many of
    them reached each later stage of the funnel or left it, whenever that happened."""

    client = _client_foreign_key()
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    KEY = ("client_id", "role_id", "day")
    UNIQUE = "metrics_submission_grain"
    TOTALS = SubmissionTotals
    CLIENT_WEEKS = SubmissionClientWeeks
    CLIENT_DAYS = SubmissionClientDays

    class Meta:
        constraints = [_grain_constraint("metrics_submission_grain", "day", "client", "role")]
        indexes = [_client_index("metrics_submission_client_idx")]


# The stages a submission spends time in before it moves on, in pipeline order.
TIMED_STAGES = ("submitted", "hm_review", "interviewing", "offer")


class RoleCounters(Rollup):
    """The counters of RoleRollup and of its organization-wide totals."""

    hired = models.IntegerField(default=0)
    hire_seconds = models.BigIntegerField(default=0)
    left_submitted = models.IntegerField(default=0)
    submitted_seconds = models.BigIntegerField(default=0)
    left_hm_review = models.IntegerField(default=0)
    hm_review_seconds = models.BigIntegerField(default=0)
    left_interviewing = models.IntegerField(default=0)
    interviewing_seconds = models.BigIntegerField(default=0)
    left_offer = models.IntegerField(default=0)
    offer_seconds = models.BigIntegerField(default=0)
    lost = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    checkins = models.IntegerField(default=0)
    first_submissions = models.IntegerField(default=0)
    intake_to_submit_seconds = models.BigIntegerField(default=0)

    COUNTERS = (
        "hired",
        "hire_seconds",
        "left_submitted",
        "submitted_seconds",
        "left_hm_review",
        "hm_review_seconds",
        "left_interviewing",
        "interviewing_seconds",
        "left_offer",
        "offer_seconds",
        "lost",
        "withdrawn",
        "checkins",
        "first_submissions",
        "intake_to_submit_seconds",
    )

    class Meta:
        abstract = True


class RoleTotals(RoleCounters):
    """RoleRollup summed per organization × day."""

    day = models.DateField()

    KEY = ("day",)
    UNIQUE = "metrics_role_totals_grain"

    class Meta:
        constraints = [_totals_constraint("metrics_role_totals_grain")]


class RoleClientWeeks(RoleCounters):
    """RoleRollup summed per organization × client × week."""

    client = _client_foreign_key()
    week = models.DateField()

    KEY = ("client_id", "week")
    UNIQUE = "metrics_role_client_weeks_grain"

    class Meta:
        constraints = [_client_weeks_constraint("metrics_role_client_weeks_grain")]


class RoleClientDays(RoleCounters):
    """RoleRollup summed per organization × client × day."""

    client = _client_foreign_key()
    day = models.DateField()

    KEY = ("client_id", "day")
    UNIQUE = "metrics_role_client_days_grain"

    class Meta:
        constraints = [_client_days_constraint("metrics_role_client_days_grain")]
        indexes = [_days_index("metrics_role_days_idx")]


class RoleRollup(RoleCounters):
    """What happened on a role on a UTC day: hires (and how long they took), moves out
    of each open stage (and how long the submission had been in it), losses, check-ins
    held, and the role's first submission after its intake meeting."""

    client = _client_foreign_key()
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    KEY = ("client_id", "role_id", "day")
    UNIQUE = "metrics_role_grain"
    TOTALS = RoleTotals
    CLIENT_WEEKS = RoleClientWeeks
    CLIENT_DAYS = RoleClientDays

    class Meta:
        constraints = [_grain_constraint("metrics_role_grain", "day", "client", "role")]
        indexes = [_client_index("metrics_role_client_idx")]


class Measure(models.TextChoices):
    """The durations kept as histograms, so that medians and p90s can be read from sums."""

    LATENESS = "lateness", "Lateness of late answers, business hours"
    FEEDBACK_BUSINESS = "feedback_bh", "Time to first feedback, business hours"
    FEEDBACK_CALENDAR = "feedback_h", "Time to first feedback, calendar hours"
    TIME_TO_HIRE = "hire_days", "Time to hire, days"


class DurationTotals(Rollup):
    """DurationRollup summed per organization × day, measure and bucket."""

    day = models.DateField()
    measure = models.CharField(max_length=12, choices=Measure.choices)
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    KEY = ("day", "measure", "bucket")
    COUNTERS = ("n",)
    UNIQUE = "metrics_duration_totals_grain"

    class Meta:
        constraints = [_totals_constraint("metrics_duration_totals_grain", "measure", "bucket")]


class DurationClientWeeks(Rollup):
    """DurationRollup summed per organization × client × week, measure and bucket."""

    client = _client_foreign_key()
    week = models.DateField()
    measure = models.CharField(max_length=12, choices=Measure.choices)
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    KEY = ("client_id", "week", "measure", "bucket")
    COUNTERS = ("n",)
    UNIQUE = "metrics_duration_client_weeks_grain"

    class Meta:
        constraints = [
            _client_weeks_constraint("metrics_duration_client_weeks_grain", "measure", "bucket")
        ]


class DurationRollup(Rollup):
    """How many durations of a measure fell in each bucket (`metrics.histograms`), per
    grain: the histogram that medians and p90s of any window are read from."""

    client = _client_foreign_key()
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "recruiting.Contact", on_delete=models.CASCADE, null=True, related_name="+"
    )
    day = models.DateField()
    measure = models.CharField(max_length=12, choices=Measure.choices)
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    KEY = ("client_id", "role_id", "contact_id", "day", "measure", "bucket")
    COUNTERS = ("n",)
    UNIQUE = "metrics_duration_grain"
    TOTALS = DurationTotals
    CLIENT_WEEKS = DurationClientWeeks

    class Meta:
        constraints = [
            _grain_constraint(
                "metrics_duration_grain", "day", "client", "role", "contact", "measure", "bucket"
            )
        ]
        indexes = [_client_index("metrics_duration_client_idx")]


DETAILED = (ClockRollup, FeedbackRollup, SubmissionRollup, RoleRollup, DurationRollup)
# Every rollup table: the detailed ones and their copies.
ROLLUPS = (*DETAILED, *(copy for model in DETAILED for copy in model.copies()))


class DelayReason(models.TextChoices):
    OVERDUE = "overdue", "Left while a client answer was overdue"
    LATE_ANSWER = "late_answer", "Left within 7 days of a late answer"


class DelayLoss(TenantModel):
    """A submission lost or withdrawn at a cost of delay: one row per such submission,
    with the clock that was (or had been) late and by how much at the time."""

    submission = models.ForeignKey(
        "recruiting.Submission", on_delete=models.CASCADE, related_name="+"
    )
    client = models.ForeignKey("recruiting.Client", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        "recruiting.Contact", on_delete=models.CASCADE, null=True, related_name="+"
    )
    clock = models.ForeignKey(
        "engagements.ResponseClock", on_delete=models.CASCADE, related_name="+"
    )
    owed_by = models.CharField(max_length=20)
    reason = models.CharField(max_length=12, choices=DelayReason.choices)
    stage = models.CharField(max_length=20)  # lost or withdrawn
    lost_at = models.DateTimeField()
    day = models.DateField()
    business_seconds_late = models.BigIntegerField()
    seconds_late = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "submission"], name="metrics_delay_loss_once"
            )
        ]
        indexes = [
            # The cost-of-delay list and counts of a window, newest first.
            models.Index(fields=["organization", "-lost_at", "-id"], name="metrics_delay_lost_idx"),
            models.Index(
                fields=["organization", "client", "-lost_at"], name="metrics_delay_client_idx"
            ),
        ]


class TargetPeriod(TenantModel):
    """A stretch of weeks during which a role was open under an agreed agreement: its
    weekly submissions target and check-in cadence applied from `starts_on` (a Monday)
    up to `ends_on` (the Monday after the last such week; null while it goes on)."""

    client = models.ForeignKey("recruiting.Client", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True)
    submissions_per_week = models.PositiveSmallIntegerField()
    checkin_cadence = models.CharField(max_length=12)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "role", "starts_on"], name="metrics_target_once_a_week"
            ),
        ]
        indexes = [
            # The periods overlapping a window (ends_on null or after its start).
            models.Index(fields=["organization", "client", "starts_on"], name="metrics_target_idx"),
        ]


class WeeklyReportStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # claimed by the scan, not yet delivered
    SENT = "sent", "Sent"  # delivered (mails handed to the mail server after commit)
    SKIPPED = "skipped", "Skipped"  # opted out, or no one to send it to, by delivery time


class WeeklyReport(TenantModel):
    """A client's weekly report for the week starting `week` (the client's local
    Monday): claimed once by inserting this row, delivered once by moving it out of
    `pending` (metrics/services/reports.py)."""

    client = models.ForeignKey("recruiting.Client", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    status = models.CharField(
        max_length=10, choices=WeeklyReportStatus.choices, default=WeeklyReportStatus.PENDING
    )
    enqueued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "client", "week"], name="weekly_report_once_per_week"
            ),
        ]
        indexes = [
            # The stale-claims sweep (rapport_stale_weekly_reports): pending reports.
            models.Index(
                fields=["enqueued_at"],
                name="weekly_report_pending_idx",
                condition=models.Q(status="pending"),
            ),
        ]
