"""Business-hours arithmetic for response SLAs and nudge quiet hours.

A client works the same wall-clock hours ("09:00-17:30, Monday to Friday") in its
own timezone, so "16 business hours" and "the next moment the client is at work"
depend on that timezone's clock changes. Every date's window is converted from
local wall-clock time to UTC on its own, so a window is longer or shorter in
absolute time only when a clock change falls inside it, and all arithmetic then
happens on UTC instants.

Windows are closed intervals: the closing instant counts as inside business
hours. A deadline that uses up a day's last minute is due "at 17:00 today", not
"at 09:00 tomorrow", and that deadline is itself a business moment, so feeding
a result back in (adding zero, asking for the next business moment) returns it
unchanged.

Clock changes, where a window edge is a wall-clock reading that does not occur
exactly once on that date, are resolved so that each window is the smallest
interval covering every instant of its date whose reading lies between
`day_start` and `day_end`:

* a reading skipped when clocks go forward (02:30 on a spring-forward night)
  becomes the instant of the change, the first reading after the gap: an office
  opening at 02:30 opens at 03:00 that night, and a window lying wholly inside
  the gap disappears. zoneinfo on its own would instead shift the reading by
  the length of the gap (to 03:30), a time the office never named;
* a reading repeated when clocks go back (01:30 on a fall-back night) opens a
  window at its first occurrence and closes one at its second, so the window
  keeps the repeated hour instead of losing it.
"""

from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEKDAYS = frozenset(range(7))

# A valid calendar has a workday every week, and one clock change can erase at
# most one window (a window inside a spring-forward gap, or a date the zone
# skipped), so no window in two weeks means the timezone data is broken.
_SEARCH_LIMIT = timedelta(days=14)

_MICROSECONDS_PER_HOUR = 3_600_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class BusinessCalendar:
    """When a client is at work: the same wall-clock hours on each of its workdays.

    `workdays` holds weekday numbers, 0 for Monday to 6 for Sunday.
    """

    timezone: str
    day_start: time
    day_end: time
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def __post_init__(self) -> None:
        # Clients store workdays as a list; freezing a copy keeps the calendar
        # hashable and immune to later changes of the caller's list.
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(
                f"Unknown timezone {self.timezone!r}: expected an IANA name such as "
                "'Europe/London'."
            ) from error
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError(
                "day_start and day_end are wall-clock times in the calendar's timezone "
                "and must not carry a tzinfo."
            )
        if self.day_start >= self.day_end:
            raise ValueError(
                f"day_start ({self.day_start.isoformat()}) must be before day_end "
                f"({self.day_end.isoformat()}); business hours across midnight are not "
                "supported."
            )
        if not self.workdays:
            raise ValueError("workdays must name at least one weekday.")
        if not self.workdays <= _WEEKDAYS:
            raise ValueError(
                "workdays must be weekday numbers from 0 (Monday) to 6 (Sunday), got "
                f"{sorted(self.workdays, key=repr)}."
            )

    @property
    def zone(self) -> ZoneInfo:
        # ZoneInfo caches instances by key, so this is a dictionary lookup.
        return ZoneInfo(self.timezone)


def add_business_hours(
    *, calendar: BusinessCalendar, start: datetime, hours: float | Decimal | timedelta
) -> datetime:
    """The UTC instant at which `hours` of business time have passed since `start`.

    The clock only runs inside windows; from outside one it starts at the next
    opening. A result that uses up a window exactly is that window's closing
    instant. Zero hours gives `next_business_moment(start)`.
    """
    remaining = _as_duration(hours)
    moment = _as_utc(start, name="start")
    windows = _windows(calendar, moment)
    while True:
        opening, closing = next(windows)
        begin = max(opening, moment)
        available = closing - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available


def next_business_moment(*, calendar: BusinessCalendar, moment: datetime) -> datetime:
    """`moment` in UTC if it is within business hours, else the next window's opening."""
    return add_business_hours(calendar=calendar, start=moment, hours=timedelta(0))


def is_within_business_hours(*, calendar: BusinessCalendar, moment: datetime) -> bool:
    """Whether `moment` lies in a window, its opening and closing instants included."""
    return next_business_moment(calendar=calendar, moment=moment) == _as_utc(moment, name="moment")


def business_hours_between(
    *, calendar: BusinessCalendar, start: datetime, end: datetime
) -> timedelta:
    """Business time that elapsed from `start` to `end`; zero unless `end` is later."""
    since = _as_utc(start, name="start")
    until = _as_utc(end, name="end")
    elapsed = timedelta(0)
    if until <= since:
        return elapsed
    for opening, closing in _windows(calendar, since):
        if opening >= until:
            break
        elapsed += min(closing, until) - max(opening, since)
    return elapsed


def business_hours_until(
    *, calendar: BusinessCalendar, starts: Sequence[datetime], end: datetime
) -> list[timedelta]:
    """`business_hours_between` from each of `starts` to one `end`, in order, walking
    the windows once from the earliest start: the cost of the longest span, however
    many starts (a page of clocks, each waiting until now).

    The windows up to `end` are cut at it and summed from the last back, so the time
    from any start is the sum from the first window closing after it, less the part
    of that window before it.
    """
    until = _as_utc(end, name="end")
    since = [_as_utc(start, name="start") for start in starts]
    earliest = min((moment for moment in since if moment < until), default=None)
    if earliest is None:
        return [timedelta(0)] * len(since)
    openings: list[datetime] = []
    closings: list[datetime] = []
    for opening, closing in _windows(calendar, earliest):
        if opening >= until:
            break
        openings.append(opening)
        closings.append(min(closing, until))
    from_window = [timedelta(0)] * (len(openings) + 1)
    for index in reversed(range(len(openings))):
        from_window[index] = from_window[index + 1] + (closings[index] - openings[index])
    elapsed = []
    for moment in since:
        index = bisect_right(closings, moment)
        if moment >= until or index == len(openings):
            elapsed.append(timedelta(0))
        else:
            elapsed.append(from_window[index] - (max(openings[index], moment) - openings[index]))
    return elapsed


def _windows(calendar: BusinessCalendar, after: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Business windows as UTC (opening, closing) pairs, in order, endlessly.

    Starts with the window that contains `after` (a UTC instant) or the next
    one. Windows are never empty and never overlap, though one may close at the
    instant the next opens.
    """
    zone = calendar.zone
    # Start a day early: were a zone to set its clocks back across midnight
    # (from 00:30 to 23:30, say), a date's window could still be open after
    # the next date had begun. One extra conversion spares us assuming none does.
    searching_since = after.astimezone(zone).date()
    day = searching_since - timedelta(days=1)
    previous_closing: datetime | None = None
    while day <= searching_since + _SEARCH_LIMIT:
        if day.weekday() in calendar.workdays:
            opening = _to_utc(day, calendar.day_start, zone, occurrence="first")
            closing = _to_utc(day, calendar.day_end, zone, occurrence="second")
            if previous_closing is not None:
                # Only reachable when clocks go back across midnight: keep the
                # windows ordered so that callers can walk them once.
                opening = max(opening, previous_closing)
            if opening < closing:
                previous_closing = closing
                if closing >= after:
                    yield opening, closing
                    searching_since = day
        day += timedelta(days=1)
    raise ValueError(
        f"No business window in {calendar.timezone} within {_SEARCH_LIMIT.days} days after "
        f"{searching_since.isoformat()}: is the timezone data broken?"
    )


def _to_utc(
    day: date, reading: time, zone: ZoneInfo, *, occurrence: Literal["first", "second"]
) -> datetime:
    """The UTC instant at which `zone`'s clocks read `reading` on `day`.

    A reading that occurs twice gives the requested occurrence; a skipped
    reading gives the instant the clocks jumped over it.
    """
    wall = datetime.combine(day, reading)
    # PEP 495: fold=0 applies the offset in force before a clock change and
    # fold=1 the one after, so the two agree unless `wall` is skipped or repeated.
    before = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    after = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if before == after:
        return before
    if before < after:
        return before if occurrence == "first" else after
    # Skipped: the clocks jumped at some instant in (after, before].
    return _clock_change_between(after, before, zone)


def _clock_change_between(earliest: datetime, latest: datetime, zone: ZoneInfo) -> datetime:
    """The instant in (earliest, latest] at which `zone` changes its UTC offset.

    Bisects over whole seconds, on which the tz database places every change.
    """
    offset_before = earliest.astimezone(zone).utcoffset()
    low = (earliest - _EPOCH) // _SECOND  # on the old offset
    high = -((_EPOCH - latest) // _SECOND)  # ceiling: on the new offset
    while high - low > 1:
        middle = (low + high) // 2
        if (_EPOCH + middle * _SECOND).astimezone(zone).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return _EPOCH + high * _SECOND


def _as_utc(moment: datetime, *, name: str) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}.")
    return moment.astimezone(UTC)


def _as_duration(hours: float | Decimal | timedelta) -> timedelta:
    if isinstance(hours, timedelta):
        duration = hours
    elif isinstance(hours, Decimal):
        # timedelta refuses Decimal; round to whole microseconds the way it
        # rounds floats, without passing through a float.
        microseconds = (hours * _MICROSECONDS_PER_HOUR).to_integral_value(ROUND_HALF_EVEN)
        duration = timedelta(microseconds=int(microseconds))
    else:
        duration = timedelta(hours=hours)
    if duration < timedelta(0):
        raise ValueError(f"hours must not be negative, got {hours!r}.")
    return duration
