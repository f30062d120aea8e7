"""The catch-up rule over ranges: whatever the due time, the ladder and the moments the
scan runs, each level is recorded once (sent or passed over), only the highest level
due is sent, and only while the client is at work."""

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from engagements.models import ResponseClock, default_ladder
from engagements.services.schedule import level_due_at, nudge_step
from lib.business_hours import BusinessCalendar, is_within_business_hours

# Around the spring clock changes of both sides of the Atlantic (8 and 29 March 2026).
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
CALENDARS = [
    BusinessCalendar(timezone="Europe/London", day_start=time(9), day_end=time(17, 30)),
    BusinessCalendar(timezone="America/New_York", day_start=time(8), day_end=time(16)),
    BusinessCalendar(
        timezone="Asia/Kolkata", day_start=time(10), day_end=time(19), workdays={0, 1, 2, 3, 4, 5}
    ),
]
minutes = st.integers(min_value=0, max_value=40 * 24 * 60)


@st.composite
def ladders(draw) -> list[dict]:
    """One to three levels, each 0 to 10 business days after the due time (halves
    allowed) and later than the one before, as the policies are validated."""
    halves = draw(st.lists(st.integers(0, 20), min_size=1, max_size=3, unique=True))
    return [
        {**default_ladder()[0], "level": number, "after_business_days": half / 2}
        for number, half in enumerate(sorted(halves), start=1)
    ]


def _due_levels(clock, levels, calendar, now) -> list[dict]:
    return [
        level
        for level in levels
        if level["level"] > clock.nudge_level
        and level_due_at(clock=clock, level=level, calendar=calendar) <= now
    ]


@settings(max_examples=300, deadline=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    levels=ladders(),
    due_after=minutes,
    scans=st.lists(minutes, min_size=1, max_size=12),
)
def test_each_level_is_recorded_once_and_only_the_highest_due_is_sent_in_business_hours(
    calendar, levels, due_after, scans
):
    clock = ResponseClock(due_at=START + timedelta(minutes=due_after), nudge_level=0)
    next_at = level_due_at(clock=clock, level=levels[0], calendar=calendar)
    recorded: list[int] = []
    sent: list[int] = []
    # The scans at the drawn moments, then one on each working day's first business
    # moment, long after the last level, which must have sent or passed over every level.
    final = START + timedelta(days=120)
    for moment in [*(START + timedelta(minutes=m) for m in sorted(scans)), final]:
        if next_at is None or moment < next_at:
            continue  # the scan's index holds only clocks whose next nudge is due
        due = _due_levels(clock, levels, calendar, moment)
        step = nudge_step(clock=clock, levels=levels, calendar=calendar, now=moment)
        if step.send is None:
            assert step.passed_over == []
            at_work = is_within_business_hours(calendar=calendar, moment=moment)
            assert not due or not at_work
            # Waiting for the morning: the next business moment, when something is due.
            assert step.next_at is not None
            assert step.next_at > moment
            assert is_within_business_hours(calendar=calendar, moment=step.next_at)
        else:
            assert is_within_business_hours(calendar=calendar, moment=moment)
            assert step.send == due[-1]
            assert step.passed_over == due[:-1]
            sent.append(step.send["level"])
            recorded += [level["level"] for level in due]
            clock.nudge_level = step.send["level"]
            assert step.next_at is None or step.next_at > moment
        next_at = step.next_at
        if moment == final and next_at is not None:
            # Still waiting (the final moment was outside hours): scan once the client is in.
            step = nudge_step(clock=clock, levels=levels, calendar=calendar, now=next_at)
            assert step.send is not None
            sent.append(step.send["level"])
            recorded += [level["level"] for level in (*step.passed_over, step.send)]
            clock.nudge_level = step.send["level"]

    assert sorted(recorded) == [level["level"] for level in levels]  # each once
    assert sent == sorted(set(sent))  # rising, one level per scan
    assert sent[-1] == levels[-1]["level"]
