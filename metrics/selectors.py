"""Reads of the metrics, from the rollups only: the dashboard, the API, exports and the
weekly report all read these.

Every selector takes the member (their organization is the active tenant context,
their client scope confines hiring managers and HR to their client), a `Window`
of UTC days and optional filters (`MetricsFilter`), and returns frozen dataclasses.
Each runs a fixed number of queries whatever the amount of data: one statement of an
aggregate per rollup table, grouped the way the selector reports (by window, client,
contact, role or week; `_sums`), plus the page of clients, contacts, roles or losses
it describes.
docs/metrics.md defines every figure.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncWeek
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import client_scope
from engagements.models import ResponseClock
from intake.models import Cadence
from metrics import histograms
from metrics.facts import FULL_CREDIT, NO_CREDIT_AFTER
from metrics.models import (
    ClockRollup,
    DelayLoss,
    DurationRollup,
    FeedbackRollup,
    Measure,
    RoleRollup,
    SubmissionRollup,
    TargetPeriod,
)
from recruiting.models import Client, Contact, ContactKind, Role

T = TypeVar("T")

MAX_WINDOW_DAYS = 366
# Days the rollups can hold: a window outside them is a mistake, not a question.
EARLIEST, LATEST = date(2000, 1, 1), date(2200, 1, 1)
TREND_WEEKS = 52
MAX_PAGE_SIZE = 100
EVERY_ROW = Q()
SERIAL_PLAN = "SELECT set_config('max_parallel_workers_per_gather', '0', true)"
# Expected check-ins per day of a period, by the agreement's cadence.
CHECKINS_PER_DAY = {Cadence.WEEKLY: 1 / 7, Cadence.FORTNIGHTLY: 1 / 14, Cadence.MONTHLY: 12 / 365}


# --- Inputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """UTC days from `start` up to, not including, `end`."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> "Window":
        """The window of the same length just before this one, for comparison."""
        return Window(self.start - timedelta(days=self.days), self.start)


def metrics_window(*, start: date | None = None, end: date | None = None) -> Window:
    """A valid window: by default the last 28 days, today included."""
    today = timezone.now().astimezone(UTC).date()
    end = end or today + timedelta(days=1)
    start = start or end - timedelta(days=28)
    if start >= end:
        raise ValidationError({"to": "The window must end after it starts."})
    if start < EARLIEST or end > LATEST:
        raise ValidationError(
            {"from": f"A window lies between {EARLIEST.isoformat()} and {LATEST.isoformat()}."}
        )
    if (end - start).days > MAX_WINDOW_DAYS:
        raise ValidationError({"from": f"A window is at most {MAX_WINDOW_DAYS} days long."})
    return Window(start, end)


@dataclass(frozen=True)
class MetricsFilter:
    """What the figures are restricted to (ids of rows visible to the member)."""

    client_id: int | None = None
    role_id: int | None = None
    contact_id: int | None = None


def metrics_filter(*, membership: Membership, client=None, role=None, contact=None):
    """Resolve public ids of a client, role and contact into a filter, refusing any the
    member cannot see (another organization's, or another client's for HM and HR) with
    the same error as one that does not exist."""
    scope = client_scope(membership)
    resolved = {}
    for name, model, value in (
        ("client", Client, client),
        ("role", Role, role),
        ("contact", Contact, contact),
    ):
        if value is None:
            continue
        rows = model.objects.filter(public_id=value)
        if scope is not None:
            rows = rows.filter(pk=scope) if model is Client else rows.filter(client_id=scope)
        found = rows.values_list("pk", flat=True).first()
        if found is None:
            raise ValidationError({name: f"No such {name}."})
        resolved[f"{name}_id"] = found
    return MetricsFilter(**resolved)


# --- Results --------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """A duration's median and 90th percentile (from histograms, docs/metrics.md) and
    its mean (exact), in `unit`."""

    count: int
    median: float | None
    p90: float | None
    mean: float | None
    unit: str


@dataclass(frozen=True)
class SlaCompliance:
    """Clocks due in the window that are closed or already past due (`counted`)."""

    counted: int
    on_time: int
    answered_late: int
    missed: int  # cancelled (the candidate left) after the due time
    overdue_now: int
    compliance_pct: float | None
    median_lateness_business_hours: float | None


@dataclass(frozen=True)
class TimeToFeedback:
    count: int
    business_hours: Distribution
    calendar_hours: Distribution


@dataclass(frozen=True)
class Delivery:
    delivered: int
    target: float
    delivered_pct: float | None


@dataclass(frozen=True)
class Funnel:
    """Submissions made in the window and how many of them reached each stage."""

    submitted: int
    interviewing: int
    offer: int
    hired: int
    rejected: int
    withdrawn: int
    lost: int
    interviewing_pct: float | None  # of submitted
    offer_pct: float | None  # of interviewing
    hired_pct: float | None  # of offer
    overall_pct: float | None  # hired of submitted


@dataclass(frozen=True)
class CostOfDelay:
    count: int
    losses: int  # submissions lost or withdrawn in the window
    share_pct: float | None


@dataclass(frozen=True)
class Responsiveness:
    """The score (docs/metrics.md#responsiveness-score) and its inputs."""

    score: int | None
    counted: int
    on_time: int
    answered_late: int
    missed: int
    overdue_now: int
    late_credit: float  # the late answers' credit, in clocks
    no_credit_after_business_hours: int


@dataclass(frozen=True)
class CheckIns:
    held: int
    expected: float
    on_cadence_pct: float | None


@dataclass(frozen=True)
class TimeToSubmit:
    """From a role's intake meeting to its first submission."""

    roles: int
    mean_days: float | None


@dataclass(frozen=True)
class StageTime:
    stage: str
    moved_on: int
    mean_hours: float | None


@dataclass(frozen=True)
class Kpis:
    sla: SlaCompliance
    time_to_feedback: TimeToFeedback
    responsiveness: Responsiveness
    delivery: Delivery
    funnel: Funnel
    time_to_hire: Distribution
    cost_of_delay: CostOfDelay
    check_ins: CheckIns
    time_to_submit: TimeToSubmit
    time_in_stage: list[StageTime]


@dataclass(frozen=True)
class Summary:
    window: Window
    previous_window: Window
    current: Kpis
    previous: Kpis


@dataclass(frozen=True)
class ClientSide:
    sla: SlaCompliance
    time_to_feedback: TimeToFeedback
    overdue_now: int
    responsiveness: Responsiveness


@dataclass(frozen=True)
class AgencySide:
    delivery: Delivery
    check_ins: CheckIns
    time_to_submit: TimeToSubmit


@dataclass(frozen=True)
class ClientScorecard:
    client_id: object  # public id
    name: str
    client_side: ClientSide
    agency_side: AgencySide


@dataclass(frozen=True)
class ContactScorecard:
    contact_id: object  # public id
    name: str
    kind: str
    client_id: object
    client_name: str
    sla: SlaCompliance
    time_to_feedback: TimeToFeedback
    responsiveness: Responsiveness
    cost_of_delay: int


@dataclass(frozen=True)
class RoleMetrics:
    role_id: object  # public id
    title: str
    client_id: object
    client_name: str
    funnel: Funnel
    time_in_stage: list[StageTime]
    delivery: Delivery
    time_to_hire: Distribution
    sla: SlaCompliance


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    count: int
    page: int
    page_size: int


@dataclass(frozen=True)
class TrendWeek:
    week_start: date
    kpis: Kpis


@dataclass(frozen=True)
class Trends:
    weeks: list[TrendWeek]


@dataclass(frozen=True)
class DelayLossItem:
    submission_id: object
    candidate: str
    role_id: object
    role: str
    client_id: object
    client: str
    owed_by: str
    contact: str | None
    reason: str
    stage: str
    lost_at: datetime
    business_hours_late: float
    hours_late: float


@dataclass(frozen=True)
class CostOfDelayList:
    window: Window
    count: int
    losses: int
    share_pct: float | None
    items: list[DelayLossItem]
    next_cursor: str | None


# --- The engine: sums per group, from every rollup ------------------------------------


@dataclass
class Sums:
    """What the rollups add up to for one group (a window, a client, a week…)."""

    overdue_now: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    late_seconds: int = 0
    late_credit: int = 0
    answered: int = 0
    feedback_business_seconds: int = 0
    feedback_calendar_seconds: int = 0
    submitted: int = 0
    reached_interviewing: int = 0
    reached_offer: int = 0
    reached_hired: int = 0
    rejected: int = 0
    withdrawn: int = 0
    lost: int = 0
    hired: int = 0
    hire_seconds: int = 0
    left_submitted: int = 0
    submitted_seconds: int = 0
    left_hm_review: int = 0
    hm_review_seconds: int = 0
    left_interviewing: int = 0
    interviewing_seconds: int = 0
    left_offer: int = 0
    offer_seconds: int = 0
    losses: int = 0
    checkins: int = 0
    first_submissions: int = 0
    intake_to_submit_seconds: int = 0
    delay_losses: int = 0
    target: float = 0.0
    expected_checkins: float = 0.0
    histograms: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))


CLOCK_SUMS = {
    "on_time": "on_time",
    "late": "late",
    "missed": "missed",
    "late_seconds": "late_seconds",
    "late_credit": "late_credit",
}
FEEDBACK_SUMS = {
    "answered": "answered",
    "feedback_business_seconds": "business_seconds",
    "feedback_calendar_seconds": "calendar_seconds",
}
SUBMISSION_SUMS = {name: name for name in SubmissionRollup.COUNTERS}
ROLE_SUMS = {**{name: name for name in RoleRollup.COUNTERS if name not in {"lost", "withdrawn"}}}


@dataclass(frozen=True)
class _Grouping:
    """How one selector groups the rollups: a name per table's column or expression."""

    kind: str  # window, client, contact, role, week
    boundary: date | None = None  # for `window`: where the current window starts

    def expression(self):
        if self.kind == "window":
            return Case(
                When(day__gte=self.boundary, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        if self.kind == "week":
            # A date, not a timestamp: the rows come back as JSON (`_read_all`).
            return Cast(TruncWeek("day"), DateField())
        return F(f"{self.kind}_id")

    def key_of_day(self, day: date):
        if self.kind == "window":
            return int(day >= self.boundary)
        return day - timedelta(days=day.weekday())


def _today_start() -> tuple[datetime, date]:
    now = timezone.now()
    today = now.astimezone(UTC).date()
    return now, today


def _scoped(queryset, membership: Membership, filters: MetricsFilter, *, has_contact: bool):
    return queryset.filter(_scope(membership, filters, has_contact=has_contact))


def _scope(membership: Membership, filters: MetricsFilter, *, has_contact: bool) -> Q:
    """The member's client scope and the filters as one condition: a single `filter()`
    per read (each call copies the query, and a selector builds a dozen reads)."""
    conditions = {}
    scope = client_scope(membership)
    if scope is not None:
        conditions["client_id"] = scope
    condition = Q(**conditions)
    if filters.client_id is not None:
        condition &= Q(client_id=filters.client_id)
    if filters.role_id is not None:
        condition &= Q(role_id=filters.role_id)
    if filters.contact_id is not None:
        if has_contact:
            condition &= Q(contact_id=filters.contact_id)
        else:
            # Figures without a contact of their own (submissions, hires, check-ins)
            # are those of the roles the contact is the hiring manager or HR of.
            condition &= Q(
                role_id__in=Subquery(
                    Role.objects.filter(
                        Q(hiring_manager_id=filters.contact_id)
                        | Q(hr_contact_id=filters.contact_id)
                    ).values("id")
                )
            )
    return condition


def _sums(
    *,
    membership: Membership,
    filters: MetricsFilter,
    start: date,
    end: date,
    grouping: _Grouping,
    keys: list | None = None,
    only: frozenset[str] | None = None,
) -> dict:
    """Sums per group over the UTC days [start, end): every rollup table, today's
    overdue clocks and the targets, read in one statement (`_read_all`). `keys`
    restricts a client, contact or role grouping to one page of them; `only` to some of
    the reads, by name, when only some figures are wanted."""
    if keys is not None and not keys:
        return {}  # an empty page
    now, today = _today_start()
    by = grouping.expression()
    # Organization-wide, by window or week: the organization × day totals say the
    # same as the detailed rows, in a few hundred rows rather than tens of thousands.
    organization_wide = (
        grouping.kind in {"window", "week"}
        and filters == MetricsFilter()
        and client_scope(membership) is None
    )

    page = Q() if keys is None else Q(**{f"{grouping.kind}_id__in": keys})
    conditions = {
        has_contact: _scope(membership, filters, has_contact=has_contact) & page
        for has_contact in (True, False)
    }

    def scoped(queryset, *, has_contact: bool):
        return queryset.filter(conditions[has_contact])

    # By client without a role or contact filter: the client-week copies for the whole
    # weeks of the window, the client-day copies (where kept) for its days outside them:
    # a few rows per client whatever its roles and contacts.
    by_client_copies = (
        grouping.kind == "client" and filters.role_id is None and filters.contact_id is None
    )
    weeks = _whole_weeks(start, end, today)

    def rows(model, has_contact: bool, sums: dict, *values, overdue=False, where=EVERY_ROW):
        if by_client_copies:
            return _client_copy_rows(
                scoped, model, weeks, start, end, today, sums, values, overdue, where
            )
        if organization_wide:
            model = model.TOTALS
        queryset = scoped(
            model.objects.filter(where, day__gte=start, day__lt=end), has_contact=has_contact
        )
        annotations = {name: Sum(column) for name, column in sums.items()}
        if overdue:
            annotations["overdue"] = Sum("open", filter=Q(day__lt=today))
        return queryset.annotate(group=by).values("group", *values).annotate(**annotations)

    target_end = min(end, today + timedelta(1))

    def targets():
        periods = scoped(
            TargetPeriod.objects.filter(
                Q(ends_on__isnull=True) | Q(ends_on__gt=start), starts_on__lt=target_end
            ),
            has_contact=False,
        )
        return _target_statement(periods, grouping, start, target_end)

    # Each read as a function, so that only those wanted are compiled. Open clocks count
    # as overdue once their due day is past (today's: `overdue`).
    readers = {
        "clock": lambda: rows(ClockRollup, True, CLOCK_SUMS, overdue=True),
        "feedback": lambda: rows(FeedbackRollup, True, FEEDBACK_SUMS),
        "duration": lambda: _histograms(
            rows(DurationRollup, True, {"total": "n"}, "measure", "bucket")
        ),
        # The histograms of one measure only (`only`): to sort clients by it.
        "feedback_histogram": lambda: _histograms(
            rows(
                DurationRollup,
                True,
                {"total": "n"},
                "measure",
                "bucket",
                where=Q(measure=Measure.FEEDBACK_BUSINESS),
            )
        ),
        "delay": lambda: (
            scoped(DelayLoss.objects.filter(day__gte=start, day__lt=end), has_contact=True)
            .annotate(group=by)
            .values("group")
            .annotate(n=Count("id"))
        ),
    }
    if start <= today < end:
        readers["overdue"] = lambda: _overdue_today(scoped, grouping, now, today)
    if grouping.kind != "contact":
        readers["submission"] = lambda: rows(SubmissionRollup, False, SUBMISSION_SUMS)
        readers["role"] = lambda: rows(
            RoleRollup, False, {**ROLE_SUMS, "losses_lost": "lost", "losses_withdrawn": "withdrawn"}
        )
        if start < target_end:
            readers["target"] = targets
    wanted = (set(readers) - {"feedback_histogram"}) if only is None else only
    reads = {name: read() for name, read in readers.items() if name in wanted}
    groups: dict = defaultdict(Sums)
    found = _read_all(reads)
    key_of = date.fromisoformat if grouping.kind == "week" else (lambda key: key)
    for row in found.get("clock", []):
        target = groups[key_of(row["group"])]
        _add(target, row, CLOCK_SUMS)
        target.overdue_now += row["overdue"] or 0
    for row in found.get("feedback", []):
        _add(groups[key_of(row["group"])], row, FEEDBACK_SUMS)
    for row in [*found.get("duration", []), *found.get("feedback_histogram", [])]:
        counts = groups[key_of(row["group"])].histograms[row["measure"]]
        for bucket, total in row["counts"].items():
            counts[int(bucket)] += total
    for row in found.get("delay", []):
        groups[key_of(row["group"])].delay_losses += row["n"]
    for row in found.get("overdue", []):
        if row["n"]:
            group = grouping.key_of_day(today) if row["group"] is None else row["group"]
            groups[group].overdue_now += row["n"]
    for row in found.get("submission", []):
        _add(groups[key_of(row["group"])], row, SUBMISSION_SUMS)
    for row in found.get("role", []):
        target = groups[key_of(row["group"])]
        _add(target, row, ROLE_SUMS)
        target.losses += row["losses_lost"] + row["losses_withdrawn"]
    if "target" in found:
        _add_targets(groups, found["target"], grouping, start, target_end)
    return groups


def _read_all(reads: dict) -> dict[str, list[dict]]:
    """Run every read in one statement, one round trip: each read's rows as JSON objects
    tagged with its name (the reads return different columns, so a plain UNION cannot)."""
    if not reads:
        return {}
    parts, params = [], []
    for name, read in reads.items():
        sql, read_params = (
            read if isinstance(read, tuple) else read.order_by().query.sql_with_params()
        )
        parts.append(f"SELECT %s, row_to_json(q) FROM ({sql}) AS q")  # noqa: S608 - from the ORM
        params += [name, *read_params]
    found: dict[str, list[dict]] = {name: [] for name in reads}
    with connection.cursor() as cursor:
        # A serial plan: the parts' summed cost would have PostgreSQL start parallel
        # workers for a read of a few milliseconds, slower on a busy server. Local to
        # the statement's transaction (the implicit one of a read in autocommit).
        cursor.execute(f"{SERIAL_PLAN}; {' UNION ALL '.join(parts)}", params)
        for name, row in cursor.fetchall():
            found[name].append(row)
    return found


def _whole_weeks(start: date, end: date, today: date) -> tuple[date, date] | None:
    """The Mondays [first, last) of the whole weeks inside [start, end) that ended
    before today (so that their open clocks are all overdue), if any."""
    first = start + timedelta(days=-start.weekday() % 7)
    last = min(end - timedelta(days=end.weekday()), today - timedelta(days=today.weekday()))
    return (first, last) if first < last else None


def _client_copy_rows(scoped, model, weeks, start, end, today, sums, values, overdue, where):
    """The sums by client of `model`'s client-week copy over the whole `weeks` (if any)
    and of its client-day copy (or, without one, its detailed rows) over the window's
    other days, as one query (SQL and parameters)."""
    columns = list(dict.fromkeys([*sums.values(), *(["open"] if overdue else [])]))
    days = Q(day__gte=start, day__lt=end)
    if weeks is not None:
        first, last = weeks
        days = Q(day__gte=start, day__lt=first) | Q(day__gte=last, day__lt=end)
    daily = scoped(
        (model.CLIENT_DAYS or model).objects.filter(where, days), has_contact=False
    ).values_list("client_id", "day", *values, *columns)
    parts = [daily.order_by().query.sql_with_params()]
    if weeks is not None:
        weekly = scoped(
            model.CLIENT_WEEKS.objects.filter(where, week__gte=first, week__lt=last),
            has_contact=False,
        ).values_list("client_id", "week", *values, *columns)
        parts.append(weekly.order_by().query.sql_with_params())
    # A week's row stands for days all before today (`_whole_weeks`).
    selected = [f"u.{name}" for name in values] + [
        f"sum(u.{column}) AS {name}" for name, column in sums.items()
    ]
    params = []
    if overdue:
        selected.append("sum(u.open) FILTER (WHERE u.d < %s) AS overdue")
        params.append(today)
    aliases = ", ".join(["client_id", "d", *values, *columns])
    grouped = ", ".join(["u.client_id", *(f"u.{name}" for name in values)])
    sql = (
        f'SELECT u.client_id AS "group", {", ".join(selected)} '  # noqa: S608 - names from the models
        f"FROM ({' UNION ALL '.join(part for part, _ in parts)}) AS u ({aliases}) "
        f"GROUP BY {grouped}"
    )
    return sql, [*params, *(param for _, part_params in parts for param in part_params)]


def _histograms(buckets) -> tuple[str, list]:
    """A histogram per group and measure, {bucket: count}, from the rows per bucket: a
    few hundred JSON rows to decode instead of thousands."""
    sql, params = (
        buckets if isinstance(buckets, tuple) else buckets.order_by().query.sql_with_params()
    )
    return (
        'SELECT b."group", b.measure, json_object_agg(b.bucket, b.total) AS counts '  # noqa: S608
        f"FROM ({sql}) AS b GROUP BY 1, 2",
        params,
    )


def _add(target: Sums, row: dict, names) -> None:
    for name in names:
        setattr(target, name, getattr(target, name) + (row[name] or 0))


def _overdue_today(scoped, grouping, now, today):
    """Open clocks due earlier today: the rollups say which clocks are open by due
    day, and only today's part of it depends on the time of day. Read through the
    open-clock index (organization, due_at) where closed_at is null."""
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    clocks = scoped(
        ResponseClock.objects.filter(closed_at__isnull=True, due_at__gte=midnight, due_at__lt=now),
        has_contact=True,
    )
    if grouping.kind in {"window", "week"}:
        # One group: today's.
        return (
            clocks.annotate(group=Value(None, output_field=IntegerField()))
            .values("group")
            .annotate(n=Count("id"))
        )
    return clocks.annotate(group=F(f"{grouping.kind}_id")).values("group").annotate(n=Count("id"))


def _target_statement(periods, grouping, start: date, end: date) -> tuple[str, list]:
    """The targets' read. By client, role or contact: each group's submissions per week
    times days in force and days in force, per cadence, every period prorated by the
    days it overlaps [start, end). By window or week: the days on which the sums in
    force change (a period starts or ends), which `_add_targets` walks through."""
    sql, params = periods.values_list(
        "client_id", "role_id", "starts_on", "ends_on", "submissions_per_week", "checkin_cadence"
    ).query.sql_with_params()
    columns = "(client_id, role_id, starts_on, ends_on, spw, cad)"
    if grouping.kind in {"window", "week"}:
        statement = (
            "SELECT GREATEST(e.d, %s::date) AS d, p.cad, sum(e.spw) AS spw, sum(e.n) AS n "  # noqa: S608
            f"FROM ({sql}) AS p {columns} CROSS JOIN LATERAL (VALUES (p.starts_on, p.spw, 1), "
            "(p.ends_on, -p.spw, -1)) AS e (d, spw, n) WHERE e.d IS NOT NULL AND e.d < %s::date "
            "GROUP BY 1, 2"
        )
        return statement, [start, *params, end]
    column = f"{grouping.kind}_id"
    statement = (
        f'SELECT p.{column} AS "group", p.cad, sum(p.spw * o.days) AS weighted, '  # noqa: S608
        f"sum(o.days) AS days FROM ({sql}) AS p {columns} "
        "CROSS JOIN LATERAL (SELECT LEAST(%s::date, COALESCE(p.ends_on, %s::date)) "
        f"- GREATEST(%s::date, p.starts_on) AS days) AS o GROUP BY p.{column}, p.cad"
    )
    return statement, [*params, end, end, start]


def _add_targets(groups, rows: list[dict], grouping, start: date, end: date) -> None:
    """Each group's submissions target and expected check-ins over [start, end), from
    the targets' read (`_target_statement`): every period in force, prorated by the days
    it overlaps (docs/metrics.md)."""
    if grouping.kind not in {"window", "week"}:
        for row in rows:
            target = groups[row["group"]]
            target.target += float(row["weighted"]) / 7
            target.expected_checkins += float(row["days"]) * CHECKINS_PER_DAY.get(row["cad"], 0)
        return
    # Spans of days, one per group: the two windows, or the weeks.
    if grouping.kind == "window":
        spans = [(0, start, min(grouping.boundary, end)), (1, grouping.boundary, end)]
    else:
        monday = start - timedelta(days=start.weekday())
        spans = []
        while monday < end:
            spans.append((monday, max(monday, start), min(monday + timedelta(7), end)))
            monday += timedelta(days=7)
    spans = [span for span in spans if span[1] < span[2]]
    # Walk the days on which the sums in force change: between two such days, each span
    # gets the sums in force times the days it shares with that stretch.
    changes: dict[date, list[dict]] = defaultdict(list)
    for row in rows:
        changes[date.fromisoformat(row["d"])].append(row)
    per_week, by_cadence = 0.0, defaultdict(int)
    days = sorted(changes)
    for i, day in enumerate(days):
        for row in changes[day]:
            per_week += float(row["spw"])
            by_cadence[row["cad"]] += row["n"]
        until = days[i + 1] if i + 1 < len(days) else end
        checkins_per_day = sum(n * CHECKINS_PER_DAY.get(c, 0) for c, n in by_cadence.items())
        for key, span_start, span_end in spans:
            shared = (min(until, span_end) - max(day, span_start)).days
            if shared > 0:
                target = groups[key]
                target.target += per_week * shared / 7
                target.expected_checkins += checkins_per_day * shared


# --- From sums to figures --------------------------------------------------------------


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _mean(total_seconds: int, count: int, unit: int) -> float | None:
    return round(total_seconds / count / unit, 1) if count else None


def _distribution(sums: Sums, measure: str, count: int, total: int, unit: str) -> Distribution:
    counts = sums.histograms.get(measure, {})
    seconds_per_unit = histograms.UNITS[measure][0]
    return Distribution(
        count=count,
        median=histograms.quantile(measure, counts, 0.5),
        p90=histograms.quantile(measure, counts, 0.9),
        mean=_mean(total, count, seconds_per_unit),
        unit=unit,
    )


def _sla(sums: Sums) -> SlaCompliance:
    counted = sums.on_time + sums.late + sums.missed + sums.overdue_now
    return SlaCompliance(
        counted=counted,
        on_time=sums.on_time,
        answered_late=sums.late,
        missed=sums.missed,
        overdue_now=sums.overdue_now,
        compliance_pct=_pct(sums.on_time, counted),
        median_lateness_business_hours=histograms.quantile(
            Measure.LATENESS, sums.histograms.get(Measure.LATENESS, {}), 0.5
        ),
    )


def _responsiveness(sums: Sums) -> Responsiveness:
    counted = sums.on_time + sums.late + sums.missed + sums.overdue_now
    credit = sums.on_time * FULL_CREDIT + sums.late_credit
    return Responsiveness(
        score=round(100 * credit / (counted * FULL_CREDIT)) if counted else None,
        counted=counted,
        on_time=sums.on_time,
        answered_late=sums.late,
        missed=sums.missed,
        overdue_now=sums.overdue_now,
        late_credit=round(sums.late_credit / FULL_CREDIT, 3),
        no_credit_after_business_hours=NO_CREDIT_AFTER // 3600,
    )


def _feedback(sums: Sums) -> TimeToFeedback:
    return TimeToFeedback(
        count=sums.answered,
        business_hours=_distribution(
            sums,
            Measure.FEEDBACK_BUSINESS,
            sums.answered,
            sums.feedback_business_seconds,
            "business_hours",
        ),
        calendar_hours=_distribution(
            sums, Measure.FEEDBACK_CALENDAR, sums.answered, sums.feedback_calendar_seconds, "hours"
        ),
    )


def _funnel(sums: Sums) -> Funnel:
    return Funnel(
        submitted=sums.submitted,
        interviewing=sums.reached_interviewing,
        offer=sums.reached_offer,
        hired=sums.reached_hired,
        rejected=sums.rejected,
        withdrawn=sums.withdrawn,
        lost=sums.lost,
        interviewing_pct=_pct(sums.reached_interviewing, sums.submitted),
        offer_pct=_pct(sums.reached_offer, sums.reached_interviewing),
        hired_pct=_pct(sums.reached_hired, sums.reached_offer),
        overall_pct=_pct(sums.reached_hired, sums.submitted),
    )


def _delivery(sums: Sums) -> Delivery:
    return Delivery(
        delivered=sums.submitted,
        target=round(sums.target, 1),
        delivered_pct=_pct(sums.submitted, sums.target),
    )


def _check_ins(sums: Sums) -> CheckIns:
    expected = round(sums.expected_checkins, 1)
    return CheckIns(
        held=sums.checkins,
        expected=expected,
        on_cadence_pct=min(100.0, _pct(sums.checkins, sums.expected_checkins))
        if sums.expected_checkins
        else None,
    )


def _stage_times(sums: Sums) -> list[StageTime]:
    return [
        StageTime(
            stage,
            getattr(sums, f"left_{stage}"),
            _mean(getattr(sums, f"{stage}_seconds"), getattr(sums, f"left_{stage}"), 3600),
        )
        for stage in ("submitted", "hm_review", "interviewing", "offer")
    ]


def _kpis(sums: Sums) -> Kpis:
    return Kpis(
        sla=_sla(sums),
        time_to_feedback=_feedback(sums),
        responsiveness=_responsiveness(sums),
        delivery=_delivery(sums),
        funnel=_funnel(sums),
        time_to_hire=_distribution(
            sums, Measure.TIME_TO_HIRE, sums.hired, sums.hire_seconds, "days"
        ),
        cost_of_delay=CostOfDelay(
            count=sums.delay_losses,
            losses=sums.losses,
            share_pct=_pct(sums.delay_losses, sums.losses),
        ),
        check_ins=_check_ins(sums),
        time_to_submit=TimeToSubmit(
            roles=sums.first_submissions,
            mean_days=_mean(sums.intake_to_submit_seconds, sums.first_submissions, 86400),
        ),
        time_in_stage=_stage_times(sums),
    )


# --- The selectors ---------------------------------------------------------------------


def metrics_summary(
    *, membership: Membership, window: Window, filters: MetricsFilter = MetricsFilter()
) -> Summary:
    """The headline figures of the window, and of the window of the same length before it."""
    previous = window.previous()
    groups = _sums(
        membership=membership,
        filters=filters,
        start=previous.start,
        end=window.end,
        grouping=_Grouping("window", boundary=window.start),
    )
    return Summary(window, previous, _kpis(groups.get(1, Sums())), _kpis(groups.get(0, Sums())))


def _page_of(queryset, page: int, page_size: int) -> tuple[list, int, int, int]:
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    page = max(1, page)
    count = queryset.count()
    rows = list(queryset[(page - 1) * page_size : page * page_size])
    return rows, count, page, page_size


def _visible(queryset, membership: Membership, *, client_field: str = "client_id"):
    scope = client_scope(membership)
    return queryset if scope is None else queryset.filter(**{client_field: scope})


@dataclass(frozen=True)
class ScorecardSort:
    """A column the client scorecards sort by: its figure, worked out from a client's
    sums by the same function as the scorecard's (None for the name, sorted in SQL),
    whether a low value is the worse one, and the reads (`_sums`) that figure needs."""

    figure: Callable[[Sums], Any] | None
    low_is_worse: bool
    reads: frozenset[str]


CLOCK_SIDE = frozenset({"clock", "overdue"})
SCORECARD_SORTS = {
    "client": ScorecardSort(None, True, frozenset()),
    "compliance": ScorecardSort(lambda sums: _sla(sums).compliance_pct, True, CLOCK_SIDE),
    "feedback": ScorecardSort(
        lambda sums: _feedback(sums).business_hours.median,
        False,
        frozenset({"feedback_histogram"}),
    ),
    "overdue": ScorecardSort(lambda sums: sums.overdue_now, False, CLOCK_SIDE),
    "responsiveness": ScorecardSort(lambda sums: _responsiveness(sums).score, True, CLOCK_SIDE),
    "delivered": ScorecardSort(
        lambda sums: _delivery(sums).delivered_pct, True, frozenset({"submission", "target"})
    ),
    "check_ins": ScorecardSort(
        lambda sums: _check_ins(sums).on_cadence_pct, True, frozenset({"role", "target"})
    ),
}


def scorecard_worst_first(sort: str) -> str:
    """The order ("asc" or "desc") that puts the worst clients first by `sort`; by name,
    A to Z."""
    return "asc" if SCORECARD_SORTS[sort].low_is_worse else "desc"


def metrics_client_scorecards(
    *,
    membership: Membership,
    window: Window,
    filters: MetricsFilter = MetricsFilter(),
    page: int = 1,
    page_size: int = 50,
    sort: str = "client",
    descending: bool = False,
) -> Page[ClientScorecard]:
    """Both sides of each client's agreements, a page of clients in the order of one
    of `SCORECARD_SORTS` (clients without the figure last, either way; then by name).

    By name, the page is picked in SQL. By a figure, that figure is first worked out
    for every visible client, from only the reads it needs (a few rows per client: the
    client-week and client-day copies), to pick the page; then every figure of the
    page's clients."""
    clients = _visible(Client.objects.all(), membership, client_field="pk")
    if filters.client_id is not None:
        clients = clients.filter(pk=filters.client_id)
    if filters.role_id is not None:
        clients = clients.filter(roles__id=filters.role_id)
    by_name = ("-name", "-id") if descending and sort == "client" else ("name", "id")
    clients = clients.order_by(*by_name).values_list("pk", "public_id", "name")
    window_sums = partial(
        _sums,
        membership=membership,
        filters=filters,
        start=window.start,
        end=window.end,
        grouping=_Grouping("client"),
    )
    if sort == "client":
        rows, count, page, page_size = _page_of(clients, page, page_size)
    else:
        order = SCORECARD_SORTS[sort]
        everyone = list(clients)
        partial_sums = window_sums(only=order.reads)

        def key(row):
            value = order.figure(partial_sums.get(row[0], Sums()))
            return (value is None) != descending, value if value is not None else 0

        # Stable: within equal figures, the clients stay in name order.
        everyone.sort(key=key, reverse=descending)
        page_size, page, count = max(1, min(page_size, MAX_PAGE_SIZE)), max(1, page), len(everyone)
        rows = everyone[(page - 1) * page_size : page * page_size]
    groups = window_sums(keys=[row[0] for row in rows])
    items = [_client_scorecard(row, groups.get(row[0], Sums())) for row in rows]
    return Page(items, count, page, page_size)


def _client_scorecard(row: tuple, sums: Sums) -> ClientScorecard:
    _, public_id, name = row
    return ClientScorecard(
        client_id=public_id,
        name=name,
        client_side=ClientSide(
            sla=_sla(sums),
            time_to_feedback=_feedback(sums),
            overdue_now=sums.overdue_now,
            responsiveness=_responsiveness(sums),
        ),
        agency_side=AgencySide(
            delivery=_delivery(sums),
            check_ins=_check_ins(sums),
            time_to_submit=TimeToSubmit(
                roles=sums.first_submissions,
                mean_days=_mean(sums.intake_to_submit_seconds, sums.first_submissions, 86400),
            ),
        ),
    )


def metrics_contact_scorecards(
    *,
    membership: Membership,
    window: Window,
    filters: MetricsFilter = MetricsFilter(),
    page: int = 1,
    page_size: int = 50,
) -> Page[ContactScorecard]:
    """The client side, per hiring manager and HR contact: a page of them by name."""
    contacts = _visible(
        Contact.objects.filter(kind__in=[ContactKind.HIRING_MANAGER, ContactKind.HR]).order_by(
            "full_name", "id"
        ),
        membership,
    )
    if filters.client_id is not None:
        contacts = contacts.filter(client_id=filters.client_id)
    if filters.contact_id is not None:
        contacts = contacts.filter(pk=filters.contact_id)
    if filters.role_id is not None:
        role = Role.objects.filter(pk=filters.role_id)
        contacts = contacts.filter(
            Q(pk__in=Subquery(role.values("hiring_manager_id")))
            | Q(pk__in=Subquery(role.values("hr_contact_id")))
        )
    rows, count, page, page_size = _page_of(
        contacts.values_list(
            "pk", "public_id", "full_name", "kind", "client__public_id", "client__name"
        ),
        page,
        page_size,
    )
    groups = _sums(
        membership=membership,
        filters=filters,
        start=window.start,
        end=window.end,
        grouping=_Grouping("contact"),
        keys=[row[0] for row in rows],
    )
    items = []
    for pk, public_id, name, kind, client_public_id, client_name in rows:
        sums = groups.get(pk, Sums())
        items.append(
            ContactScorecard(
                contact_id=public_id,
                name=name,
                kind=kind,
                client_id=client_public_id,
                client_name=client_name,
                sla=_sla(sums),
                time_to_feedback=_feedback(sums),
                responsiveness=_responsiveness(sums),
                cost_of_delay=sums.delay_losses,
            )
        )
    return Page(items, count, page, page_size)


def metrics_roles(
    *,
    membership: Membership,
    window: Window,
    filters: MetricsFilter = MetricsFilter(),
    page: int = 1,
    page_size: int = 50,
) -> Page[RoleMetrics]:
    """Each role's funnel, time in stage, delivery and time to hire: newest roles first."""
    roles = _visible(Role.objects.order_by("-created_at", "-id"), membership)
    if filters.client_id is not None:
        roles = roles.filter(client_id=filters.client_id)
    if filters.role_id is not None:
        roles = roles.filter(pk=filters.role_id)
    if filters.contact_id is not None:
        roles = roles.filter(
            Q(hiring_manager_id=filters.contact_id) | Q(hr_contact_id=filters.contact_id)
        )
    rows, count, page, page_size = _page_of(
        roles.values_list("pk", "public_id", "title", "client__public_id", "client__name"),
        page,
        page_size,
    )
    groups = _sums(
        membership=membership,
        filters=filters,
        start=window.start,
        end=window.end,
        grouping=_Grouping("role"),
        keys=[row[0] for row in rows],
    )
    items = []
    for pk, public_id, title, client_public_id, client_name in rows:
        sums = groups.get(pk, Sums())
        items.append(
            RoleMetrics(
                role_id=public_id,
                title=title,
                client_id=client_public_id,
                client_name=client_name,
                funnel=_funnel(sums),
                time_in_stage=_stage_times(sums),
                delivery=_delivery(sums),
                time_to_hire=_distribution(
                    sums, Measure.TIME_TO_HIRE, sums.hired, sums.hire_seconds, "days"
                ),
                sla=_sla(sums),
            )
        )
    return Page(items, count, page, page_size)


def metrics_trends(
    *, membership: Membership, filters: MetricsFilter = MetricsFilter(), weeks: int = TREND_WEEKS
) -> Trends:
    """Every figure week by week (Monday to Sunday, UTC), the last `weeks` weeks to this one."""
    _, today = _today_start()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=weeks - 1)
    groups = _sums(
        membership=membership,
        filters=filters,
        start=first,
        end=this_monday + timedelta(days=7),
        grouping=_Grouping("week"),
    )
    return Trends(
        [
            TrendWeek(monday, _kpis(groups.get(monday, Sums())))
            for monday in (first + timedelta(weeks=n) for n in range(weeks))
        ]
    )


def metrics_cost_of_delay(
    *,
    membership: Membership,
    window: Window,
    filters: MetricsFilter = MetricsFilter(),
    cursor: str | None = None,
    page_size: int = 50,
) -> CostOfDelayList:
    """The submissions lost at a cost of delay in the window, most recent first, a page
    at a time (`cursor` is the `next_cursor` of the page before)."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    # The window as a range of `lost_at` rather than of `day` (its UTC date, so the
    # same rows): metrics_delay_lost_idx then serves the range, the order and the
    # limit, instead of the page filtering the organization's losses by day.
    losses = _scoped(
        DelayLoss.objects.filter(
            lost_at__gte=_midnight(window.start), lost_at__lt=_midnight(window.end)
        ),
        membership,
        filters,
        has_contact=True,
    )
    totals = _sums(
        membership=membership,
        filters=filters,
        start=window.start,
        end=window.end,
        grouping=_Grouping("window", boundary=window.start),
    ).get(1, Sums())
    newest_first = ("-lost_at", "-id")
    if cursor:
        lost_at, pk = _cursor_read(cursor)
        losses = losses.filter(Q(lost_at__lt=lost_at) | Q(lost_at=lost_at, id__lt=pk))
    # The page's ids first, through metrics_delay_lost_idx, then their names: joined
    # to the window's every loss, the planner would sort them all for the page.
    page = DelayLoss.objects.filter(
        pk__in=Subquery(losses.order_by(*newest_first).values("pk")[: page_size + 1])
    )
    rows = list(
        page.select_related("submission__candidate", "role", "client", "contact").order_by(
            *newest_first
        )
    )
    more = len(rows) > page_size
    rows = rows[:page_size]
    items = [
        DelayLossItem(
            submission_id=row.submission.public_id,
            candidate=row.submission.candidate.full_name,
            role_id=row.role.public_id,
            role=row.role.title,
            client_id=row.client.public_id,
            client=row.client.name,
            owed_by=row.owed_by,
            contact=row.contact.full_name if row.contact else None,
            reason=row.reason,
            stage=row.stage,
            lost_at=row.lost_at,
            business_hours_late=round(row.business_seconds_late / 3600, 1),
            hours_late=round(row.seconds_late / 3600, 1),
        )
        for row in rows
    ]
    next_cursor = f"{rows[-1].lost_at.isoformat()}|{rows[-1].pk}" if more else None
    return CostOfDelayList(
        window=window,
        count=totals.delay_losses,
        losses=totals.losses,
        share_pct=_pct(totals.delay_losses, totals.losses),
        items=items,
        next_cursor=next_cursor,
    )


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def _cursor_read(cursor: str) -> tuple[datetime, int]:
    try:
        moment, pk = cursor.rsplit("|", 1)
        lost_at, pk = datetime.fromisoformat(moment).astimezone(UTC), int(pk)
    except (ValueError, OverflowError) as error:
        raise ValidationError({"cursor": "This cursor is not one of ours."}) from error
    if not 0 < pk < 2**63 or not EARLIEST.year <= lost_at.year < LATEST.year:
        raise ValidationError({"cursor": "This cursor is not one of ours."})
    return lost_at, pk
