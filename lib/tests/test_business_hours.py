"""Business-hours arithmetic: worked examples, clock changes, and properties.

Expected instants are written in UTC with the local reading alongside, so that
each clock-change example states which offset applies on either side.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib import business_hours
from lib.business_hours import (
    BusinessCalendar,
    add_business_hours,
    business_hours_between,
    business_hours_until,
    is_within_business_hours,
    next_business_moment,
)

EVERY_DAY = frozenset(range(7))


def _calendar(zone: str, start: str, end: str, workdays=frozenset({0, 1, 2, 3, 4})):
    return BusinessCalendar(
        timezone=zone,
        day_start=time.fromisoformat(start),
        day_end=time.fromisoformat(end),
        workdays=workdays,
    )


def _local(zone: str, *fields: int, fold: int = 0) -> datetime:
    return datetime(*fields, tzinfo=ZoneInfo(zone), fold=fold)


def _utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


NINE_TO_FIVE_UTC = _calendar("UTC", "09:00", "17:00")


# --- Adding business hours ---


def test_friday_afternoon_plus_two_hours_is_due_monday_morning():
    # 2025-06-06 is a Friday: one hour left on Friday, one on Monday.
    due = add_business_hours(calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 6, 16), hours=2)
    assert due == _utc(2025, 6, 9, 10)


def test_result_is_in_utc_whatever_the_start_timezone():
    start = _local("America/Los_Angeles", 2025, 6, 6, 9)  # 16:00 UTC
    due = add_business_hours(calendar=NINE_TO_FIVE_UTC, start=start, hours=2)
    assert due == _utc(2025, 6, 9, 10)
    assert due.tzinfo is UTC


def test_clock_starts_at_monday_opening_when_started_on_saturday():
    due = add_business_hours(calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 7, 12), hours=3)
    assert due == _utc(2025, 6, 9, 12)


def test_clock_starts_at_opening_when_started_before_it():
    due = add_business_hours(calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 3, 7, 30), hours=1.5)
    assert due == _utc(2025, 6, 3, 10, 30)


def test_using_up_a_day_exactly_is_due_at_closing_not_next_opening():
    due = add_business_hours(calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 2, 15), hours=2)
    assert due == _utc(2025, 6, 2, 17)


def test_time_left_after_closing_moves_to_next_opening():
    due = add_business_hours(
        calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 2, 17), hours=timedelta(microseconds=1)
    )
    assert due == datetime(2025, 6, 3, 9, 0, 0, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(_utc(2025, 6, 3, 11), _utc(2025, 6, 3, 11), id="inside"),
        pytest.param(_utc(2025, 6, 3, 17), _utc(2025, 6, 3, 17), id="at-closing"),
        pytest.param(_utc(2025, 6, 3, 18), _utc(2025, 6, 4, 9), id="evening"),
        pytest.param(_utc(2025, 6, 7, 10), _utc(2025, 6, 9, 9), id="saturday"),
    ],
)
def test_zero_hours_is_the_next_business_moment(start, expected):
    assert add_business_hours(calendar=NINE_TO_FIVE_UTC, start=start, hours=0) == expected
    assert next_business_moment(calendar=NINE_TO_FIVE_UTC, moment=start) == expected


def test_hours_may_be_float_decimal_or_timedelta():
    start = _utc(2025, 6, 3, 9)
    due = _utc(2025, 6, 3, 10, 30)
    for hours in (1.5, Decimal("1.5"), timedelta(minutes=90)):
        assert add_business_hours(calendar=NINE_TO_FIVE_UTC, start=start, hours=hours) == due


def test_decimal_hours_round_to_the_microsecond_without_a_float():
    due = add_business_hours(
        calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 3, 9), hours=Decimal("1.0000000005")
    )
    # 1.0000000005 h is 3_600_000_001.8 microseconds.
    assert due == datetime(2025, 6, 3, 10, 0, 0, 2, tzinfo=UTC)


def test_sunday_to_thursday_week_skips_friday_and_saturday():
    riyadh = _calendar("Asia/Riyadh", "09:00", "17:00", workdays=frozenset({6, 0, 1, 2, 3}))
    # Thursday 2025-06-05 16:00 +03 -> Sunday 2025-06-08 10:00 +03.
    due = add_business_hours(calendar=riyadh, start=_local("Asia/Riyadh", 2025, 6, 5, 16), hours=2)
    assert due == _utc(2025, 6, 8, 7)


def test_half_hour_offset_of_kolkata():
    kolkata = _calendar("Asia/Kolkata", "09:30", "18:00")
    # Monday 17:00 IST: one hour on Monday, two from Tuesday 09:30 IST (04:00 UTC).
    due = add_business_hours(
        calendar=kolkata, start=_local("Asia/Kolkata", 2025, 3, 3, 17), hours=3
    )
    assert due == _utc(2025, 3, 4, 6)


def test_negative_half_hour_offset_of_st_johns():
    st_johns = _calendar("America/St_Johns", "09:00", "17:00")
    # Friday 2025-07-04 16:00 NDT (-02:30) -> Monday 10:00 NDT.
    due = add_business_hours(
        calendar=st_johns, start=_local("America/St_Johns", 2025, 7, 4, 16), hours=2
    )
    assert due == _utc(2025, 7, 7, 12, 30)


def test_five_hundred_hours_walk_days_not_hours():
    # 62 eight-hour days from Monday 6 January take the whole of 1 April; the
    # last four hours fall on Wednesday 2 April.
    due = add_business_hours(calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 1, 6, 9), hours=500)
    assert due == _utc(2025, 4, 2, 13)


def test_five_hundred_hours_keep_local_hours_across_a_clock_change():
    new_york = _calendar("America/New_York", "09:00", "17:00")
    start = _local("America/New_York", 2025, 1, 6, 9)  # EST
    due = add_business_hours(calendar=new_york, start=start, hours=500)
    assert due == _utc(2025, 4, 2, 17)  # 13:00 EDT


# --- Clock changes outside the window: only the offset moves ---


@pytest.mark.parametrize(
    ("zone", "friday_four_pm", "monday_ten_am_utc"),
    [
        # Clocks go forward on Sunday 30 March 2025: GMT -> BST.
        pytest.param("Europe/London", (2025, 3, 28, 16), _utc(2025, 3, 31, 9), id="london-march"),
        # Clocks go back on Sunday 26 October 2025: BST -> GMT.
        pytest.param("Europe/London", (2025, 10, 24, 16), _utc(2025, 10, 27, 10), id="london-oct"),
        # Clocks go forward on Sunday 9 March 2025: EST -> EDT.
        pytest.param("America/New_York", (2025, 3, 7, 16), _utc(2025, 3, 10, 14), id="ny-march"),
        # Clocks go back on Sunday 2 November 2025: EDT -> EST.
        pytest.param("America/New_York", (2025, 10, 31, 16), _utc(2025, 11, 3, 15), id="ny-nov"),
    ],
)
def test_weekend_clock_change_keeps_local_opening_hours(zone, friday_four_pm, monday_ten_am_utc):
    calendar = _calendar(zone, "09:00", "17:00")
    start = _local(zone, *friday_four_pm)
    assert add_business_hours(calendar=calendar, start=start, hours=2) == monday_ten_am_utc
    assert business_hours_between(
        calendar=calendar, start=start, end=monday_ten_am_utc
    ) == timedelta(hours=2)


# --- Clock changes inside the window: the window is shorter or longer ---

NEW_YORK_SMALL_HOURS = _calendar("America/New_York", "00:00", "06:00", workdays=EVERY_DAY)


def test_window_containing_spring_forward_is_an_hour_shorter():
    # 9 March 2025: 00:00 EST (05:00 UTC) to 06:00 EDT (10:00 UTC).
    start = _utc(2025, 3, 9, 5)
    due = add_business_hours(calendar=NEW_YORK_SMALL_HOURS, start=start, hours=5)
    assert due == _utc(2025, 3, 9, 10)
    assert business_hours_between(
        calendar=NEW_YORK_SMALL_HOURS, start=_utc(2025, 3, 9), end=_utc(2025, 3, 10)
    ) == timedelta(hours=5)


def test_window_containing_fall_back_is_an_hour_longer():
    # 2 November 2025: 00:00 EDT (04:00 UTC) to 06:00 EST (11:00 UTC).
    start = _utc(2025, 11, 2, 4)
    due = add_business_hours(calendar=NEW_YORK_SMALL_HOURS, start=start, hours=7)
    assert due == _utc(2025, 11, 2, 11)
    assert business_hours_between(
        calendar=NEW_YORK_SMALL_HOURS, start=_utc(2025, 11, 2), end=_utc(2025, 11, 3)
    ) == timedelta(hours=7)


def test_opening_skipped_by_spring_forward_opens_at_the_change():
    calendar = _calendar("America/New_York", "02:30", "10:00", workdays=EVERY_DAY)
    # 02:30 never happens on 9 March 2025: clocks jump from 02:00 EST to 03:00 EDT
    # at 07:00 UTC. zoneinfo alone would read 02:30 as 03:30 EDT (07:30 UTC).
    before_opening = _local("America/New_York", 2025, 3, 9, 1)
    assert next_business_moment(calendar=calendar, moment=before_opening) == _utc(2025, 3, 9, 7)
    # The dates either side open at 02:30 local, on their own offsets.
    saturday = _local("America/New_York", 2025, 3, 8, 1)
    monday = _local("America/New_York", 2025, 3, 10, 1)
    assert next_business_moment(calendar=calendar, moment=saturday) == _utc(2025, 3, 8, 7, 30)
    assert next_business_moment(calendar=calendar, moment=monday) == _utc(2025, 3, 10, 6, 30)


def test_window_inside_the_spring_forward_gap_does_not_open():
    calendar = _calendar("America/New_York", "02:10", "02:50", workdays=EVERY_DAY)
    sunday_midnight = _local("America/New_York", 2025, 3, 9)
    # Monday 10 March 02:10 EDT.
    assert next_business_moment(calendar=calendar, moment=sunday_midnight) == _utc(
        2025, 3, 10, 6, 10
    )


def test_repeated_opening_opens_at_its_first_occurrence():
    calendar = _calendar("America/New_York", "01:30", "09:00", workdays=EVERY_DAY)
    # 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST) on 2 November 2025.
    assert next_business_moment(calendar=calendar, moment=_utc(2025, 11, 2)) == _utc(
        2025, 11, 2, 5, 30
    )


def test_repeated_closing_closes_at_its_second_occurrence():
    calendar = _calendar("America/New_York", "00:00", "01:30", workdays=EVERY_DAY)
    # 00:00 EDT (04:00 UTC) to the second 01:30, in EST (06:30 UTC).
    assert business_hours_between(
        calendar=calendar, start=_utc(2025, 11, 2), end=_utc(2025, 11, 3)
    ) == timedelta(hours=2, minutes=30)
    assert is_within_business_hours(calendar=calendar, moment=_utc(2025, 11, 2, 6, 30))
    assert not is_within_business_hours(
        calendar=calendar, moment=datetime(2025, 11, 2, 6, 30, 0, 1, tzinfo=UTC)
    )


def test_midnight_skipped_in_sao_paulo_opens_the_day_at_one():
    # Brazil last moved its clocks forward at 00:00 on Sunday 4 November 2018,
    # from -03:00 straight to 01:00 -02:00 (03:00 UTC); the day closes at 08:00
    # -02:00 (10:00 UTC), seven hours later.
    calendar = _calendar("America/Sao_Paulo", "00:00", "08:00", workdays=EVERY_DAY)
    saturday_noon = _utc(2018, 11, 3, 12)
    assert next_business_moment(calendar=calendar, moment=saturday_noon) == _utc(2018, 11, 4, 3)
    assert business_hours_between(
        calendar=calendar, start=saturday_noon, end=_utc(2018, 11, 5)
    ) == timedelta(hours=7)


def test_date_skipped_by_the_timezone_has_no_window():
    # Samoa skipped Friday 30 December 2011 to move across the date line.
    fridays = _calendar("Pacific/Apia", "09:00", "17:00", workdays=frozenset({4}))
    thursday_evening = _local("Pacific/Apia", 2011, 12, 29, 18)
    # Friday 6 January 2012 09:00 +14:00.
    assert next_business_moment(calendar=fridays, moment=thursday_evening) == _utc(2012, 1, 5, 19)


# --- Within business hours, and business time between two moments ---


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        pytest.param(datetime(2025, 6, 3, 8, 59, 59, 999999, tzinfo=UTC), False, id="just-before"),
        pytest.param(_utc(2025, 6, 3, 9), True, id="opening"),
        pytest.param(_utc(2025, 6, 3, 17), True, id="closing"),
        pytest.param(datetime(2025, 6, 3, 17, 0, 0, 1, tzinfo=UTC), False, id="just-after"),
        pytest.param(_utc(2025, 6, 8, 12), False, id="sunday"),
    ],
)
def test_window_includes_its_opening_and_closing_instants(moment, expected):
    assert is_within_business_hours(calendar=NINE_TO_FIVE_UTC, moment=moment) is expected


def test_waited_business_hours_skip_nights_and_weekends():
    # Thursday 15:00 to Tuesday 10:00: 2 + 8 + 8 + 1.
    waited = business_hours_between(
        calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 5, 15), end=_utc(2025, 6, 10, 10)
    )
    assert waited == timedelta(hours=19)


def test_no_business_time_passes_backwards():
    waited = business_hours_between(
        calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 5, 15), end=_utc(2025, 6, 5, 11)
    )
    assert waited == timedelta(0)


# --- Refusals ---


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param({"timezone": "Mars/Olympus_Mons"}, "Unknown timezone", id="unknown-zone"),
        pytest.param({"timezone": "../etc/passwd"}, "Unknown timezone", id="path-zone"),
        pytest.param({"day_start": time(17), "day_end": time(9)}, "before day_end", id="reversed"),
        pytest.param({"day_end": time(9)}, "before day_end", id="empty-day"),
        pytest.param({"day_start": time(9, tzinfo=UTC)}, "tzinfo", id="aware-time"),
        pytest.param({"workdays": frozenset()}, "at least one", id="no-workdays"),
        pytest.param({"workdays": frozenset({0, 7})}, "0 \\(Monday\\)", id="bad-weekday"),
    ],
)
def test_calendar_refuses_invalid_settings(changes, message):
    settings_ = {"timezone": "UTC", "day_start": time(9), "day_end": time(17)} | changes
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**settings_)


def test_calendar_accepts_workdays_as_stored_and_stays_hashable():
    calendar = BusinessCalendar(
        timezone="UTC", day_start=time(9), day_end=time(17), workdays=[0, 2, 4]
    )
    assert calendar.workdays == frozenset({0, 2, 4})
    assert hash(calendar) == hash(_calendar("UTC", "09:00", "17:00", frozenset({0, 2, 4})))


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_hours(calendar=NINE_TO_FIVE_UTC, start=datetime(2025, 6, 3, 9), hours=1)  # noqa: DTZ001


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_business_hours(calendar=NINE_TO_FIVE_UTC, start=_utc(2025, 6, 3, 9), hours=-1)


def test_search_gives_up_after_two_weeks_without_a_window(monkeypatch):
    # Only corrupt timezone data could empty every window; simulate it.
    monkeypatch.setattr(business_hours, "_to_utc", lambda *args, **kwargs: _utc(2025, 6, 3))
    with pytest.raises(ValueError, match="No business window"):
        next_business_moment(calendar=NINE_TO_FIVE_UTC, moment=_utc(2025, 6, 3))


# --- Properties ---

ZONES = [
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
    "Europe/Berlin",
    "UTC",
]
FIRST_DAY = date(2015, 1, 1)  # Sao Paulo still changed clocks until 2019
LAST_DAY = date(2030, 12, 31)


@cache
def _clock_change_days(zone: str) -> tuple[datetime, ...]:
    """The first UTC midnight after each of `zone`'s offset changes, to aim starts at."""
    tz = ZoneInfo(zone)
    days = []
    day = datetime.combine(FIRST_DAY, time(), tzinfo=UTC)
    offset = day.astimezone(tz).utcoffset()
    while day.date() <= LAST_DAY:
        day += timedelta(days=1)
        if day.astimezone(tz).utcoffset() != offset:
            offset = day.astimezone(tz).utcoffset()
            days.append(day)
    return tuple(days)


@st.composite
def calendars(draw) -> BusinessCalendar:
    zone = draw(st.sampled_from(ZONES))
    if draw(st.booleans()):
        day_start, day_end = time(9), time(17)
    else:
        # Any window, so some contain the clock changes most zones make between
        # 00:00 and 03:00; half an hour or more keeps a 120-hour duration under
        # 2,000 days of walking even with one workday a week.
        opening = draw(st.integers(min_value=0, max_value=23 * 60 + 29))
        closing = draw(st.integers(min_value=opening + 30, max_value=24 * 60))
        day_start = time(*divmod(opening, 60))
        day_end = time.max if closing == 24 * 60 else time(*divmod(closing, 60))
    workdays = draw(
        st.one_of(
            st.just(frozenset({0, 1, 2, 3, 4})),
            st.frozensets(st.integers(min_value=0, max_value=6), min_size=1),
        )
    )
    return BusinessCalendar(timezone=zone, day_start=day_start, day_end=day_end, workdays=workdays)


@st.composite
def scenarios(draw) -> tuple[BusinessCalendar, datetime]:
    """A calendar and a start, often within days of one of its zone's clock changes."""
    calendar = draw(calendars())
    anywhere = st.datetimes(
        min_value=datetime.combine(FIRST_DAY, time()),
        max_value=datetime.combine(LAST_DAY, time()),
        timezones=st.just(UTC),
    )
    changes = _clock_change_days(calendar.timezone)
    near_change = (
        st.tuples(
            st.sampled_from(changes),
            st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)),
        ).map(lambda pair: pair[0] + pair[1])
        if changes
        else anywhere
    )
    start = draw(st.one_of(anywhere, near_change))
    if draw(st.booleans()):
        # Whole minutes meet openings and closings exactly.
        start = start.replace(second=0, microsecond=0)
    return calendar, start


def _durations(*, positive: bool) -> st.SearchStrategy[timedelta]:
    """Up to 120 hours; whole minutes meet closings exactly, microseconds rarely do."""
    shortest = timedelta(microseconds=1) if positive else timedelta(0)
    return st.one_of(
        st.integers(min_value=int(positive), max_value=120 * 60).map(
            lambda minutes: timedelta(minutes=minutes)
        ),
        st.timedeltas(min_value=shortest, max_value=timedelta(hours=120)),
    )


durations = _durations(positive=False)
positive_durations = _durations(positive=True)


def _has_no_clock_change_near(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether the date `moment` falls on, and its neighbours, keep one offset."""
    offsets = {(moment + timedelta(days=days)).astimezone(zone).utcoffset() for days in (-2, 0, 2)}
    return len(offsets) == 1


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), hours=durations)
def test_due_time_is_always_within_business_hours(scenario, hours):
    """Within means inside a window, its closing instant included."""
    calendar, start = scenario
    due = add_business_hours(calendar=calendar, start=start, hours=hours)
    assert due >= start
    assert due.tzinfo is UTC
    assert is_within_business_hours(calendar=calendar, moment=due)
    # Independently of the window machinery: away from clock changes the local
    # reading lies in [day_start, day_end] on a workday.
    zone = ZoneInfo(calendar.timezone)
    if _has_no_clock_change_near(due, zone):
        local = due.astimezone(zone)
        assert local.weekday() in calendar.workdays
        assert calendar.day_start <= local.time() <= calendar.day_end


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), hours=durations, more=durations, later_by=durations)
def test_more_hours_or_a_later_start_is_never_due_earlier(scenario, hours, more, later_by):
    calendar, start = scenario
    due = add_business_hours(calendar=calendar, start=start, hours=hours)
    assert add_business_hours(calendar=calendar, start=start, hours=hours + more) >= due
    assert add_business_hours(calendar=calendar, start=start + later_by, hours=hours) >= due


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), first=positive_durations, second=positive_durations)
def test_adding_in_two_steps_equals_adding_at_once(scenario, first, second):
    calendar, start = scenario
    halfway = add_business_hours(calendar=calendar, start=start, hours=first)
    assert add_business_hours(calendar=calendar, start=halfway, hours=second) == (
        add_business_hours(calendar=calendar, start=start, hours=first + second)
    )


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), hours=durations)
def test_business_time_until_the_due_time_is_the_hours_added(scenario, hours):
    calendar, start = scenario
    due = add_business_hours(calendar=calendar, start=start, hours=hours)
    assert business_hours_between(calendar=calendar, start=start, end=due) == hours
    opening = next_business_moment(calendar=calendar, moment=start)
    assert business_hours_between(calendar=calendar, start=opening, end=due) == hours


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), later_by=durations, then_by=durations)
def test_due_time_is_the_earliest_moment_that_much_business_time_has_passed(
    scenario, later_by, then_by
):
    calendar, start = scenario
    end = start + later_by
    waited = business_hours_between(calendar=calendar, start=start, end=end)
    if waited:
        due = add_business_hours(calendar=calendar, start=start, hours=waited)
        assert due <= end
        assert business_hours_between(calendar=calendar, start=due, end=end) == timedelta(0)
    # Waiting splits at any intermediate moment.
    later = end + then_by
    assert business_hours_between(calendar=calendar, start=start, end=later) == (
        waited + business_hours_between(calendar=calendar, start=end, end=later)
    )


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios())
def test_next_business_moment_skips_only_time_outside_business_hours(scenario):
    calendar, start = scenario
    moment = next_business_moment(calendar=calendar, moment=start)
    assert moment >= start
    assert is_within_business_hours(calendar=calendar, moment=moment)
    assert business_hours_between(calendar=calendar, start=start, end=moment) == timedelta(0)
    assert (moment == start) is is_within_business_hours(calendar=calendar, moment=start)


@settings(max_examples=200, deadline=None)
@given(scenario=scenarios(), hours=durations)
def test_start_timezone_does_not_matter(scenario, hours):
    calendar, start = scenario
    local_start = start.astimezone(ZoneInfo(calendar.timezone))
    assert add_business_hours(calendar=calendar, start=local_start, hours=hours) == (
        add_business_hours(calendar=calendar, start=start, hours=hours)
    )


@settings(max_examples=200, deadline=None)
@given(
    scenario=scenarios(),
    offsets=st.lists(
        st.timedeltas(min_value=timedelta(hours=-240), max_value=timedelta(hours=240)), max_size=8
    ),
    later_by=durations,
)
def test_business_time_from_many_starts_is_each_ones_own(scenario, offsets, later_by):
    """One walk of the windows for a page of clocks gives what each would on its own,
    starts after the end (nothing) and repeated starts included."""
    calendar, start = scenario
    end = start + later_by
    starts = [start, *(start + offset for offset in offsets), start]
    assert business_hours_until(calendar=calendar, starts=starts, end=end) == [
        business_hours_between(calendar=calendar, start=moment, end=end) for moment in starts
    ]


def test_business_time_from_no_start_is_nothing():
    assert business_hours_until(calendar=NINE_TO_FIVE_UTC, starts=[], end=_utc(2025, 6, 6)) == []
