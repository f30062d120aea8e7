"""When each level of a clock's nudge ladder falls, in the client's business time."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from engagements.models import NudgePolicy, ResponseClock, default_ladder
from lib.business_hours import (
    BusinessCalendar,
    add_business_hours,
    is_within_business_hours,
    next_business_moment,
)

# --- When --------------------------------------------------------------------------


def policy_levels(*, client) -> list[dict]:
    """The client's ladder, else the organization's default, else the built-in one."""
    return policy_levels_by_client(client_ids=[client.pk])[client.pk]


def policy_levels_by_client(*, client_ids: list[int]) -> dict[int, list[dict]]:
    """Each client's ladder, in one query, for the scan's batches."""
    policies = {
        policy.client_id: policy.levels
        for policy in NudgePolicy.objects.filter(
            Q(client_id__in=client_ids) | Q(client__isnull=True)
        )
    }
    default = policies.get(None) or default_ladder()
    return {
        client_id: sorted(policies.get(client_id) or default, key=lambda level: level["level"])
        for client_id in client_ids
    }


def _business_day_hours(calendar: BusinessCalendar) -> float:
    """The length of the client's business day, as the ladder counts days in it."""
    start, end = calendar.day_start, calendar.day_end
    return (end.hour - start.hour) + (end.minute - start.minute) / 60


def level_due_at(*, clock: ResponseClock, level: dict, calendar: BusinessCalendar) -> datetime:
    """When a level is sent: its business-day offset after the clock's due time, moved
    into the client's next business window (quiet hours and weekends wait)."""
    hours = float(level.get("after_business_days", 0)) * _business_day_hours(calendar)
    return add_business_hours(calendar=calendar, start=clock.due_at, hours=hours)


def next_nudge_schedule(
    *, clock: ResponseClock, levels: list[dict], calendar: BusinessCalendar
) -> datetime | None:
    """When the level after `clock.nudge_level` is due, or None when the ladder is done."""
    for level in levels:
        if level["level"] > clock.nudge_level:
            return level_due_at(clock=clock, level=level, calendar=calendar)
    return None


@dataclass(frozen=True)
class NudgeStep:
    """What a scan does with one clock at one moment (`nudge_step`)."""

    send: dict | None  # the level to send now, if any
    passed_over: list[dict]  # lower levels due as well: recorded as skipped, never sent
    next_at: datetime | None  # the clock's next nudge time afterwards


def nudge_step(
    *, clock: ResponseClock, levels: list[dict], calendar: BusinessCalendar, now: datetime
) -> NudgeStep:
    """The levels after `clock.nudge_level` that are due at `now`, and what to do with them.

    Only the highest level due is sent: a clock first seen already past several
    levels (opened late, a due time pulled earlier, a scan after an outage) gets the
    one nudge its lateness calls for, not every level in the same minute; the lower
    ones are passed over. And a nudge goes out only while the client is at work (a
    window's closing instant included): levels found due outside the client's
    business hours wait for the next window's opening, where the highest level then
    due is sent. A level's due time is itself a business moment, so the scan that
    runs every minute finds each level in hours unless it falls on the window's
    closing instant or the scan fell behind.

    Levels are in order and fall later each (the policies are validated so), so the
    due levels are found by walking the ladder until the first that is not due: the
    cost is the number of levels due plus one, whatever the lateness.
    """
    due: list[dict] = []
    next_at = None
    for level in levels:
        if level["level"] <= clock.nudge_level:
            continue
        at = level_due_at(clock=clock, level=level, calendar=calendar)
        if at > now:
            next_at = at
            break
        due.append(level)
    if not due:
        return NudgeStep(send=None, passed_over=[], next_at=next_at)
    if not is_within_business_hours(calendar=calendar, moment=now):
        return NudgeStep(
            send=None,
            passed_over=[],
            next_at=next_business_moment(calendar=calendar, moment=now),
        )
    *passed_over, send = due
    return NudgeStep(send=send, passed_over=passed_over, next_at=next_at)


def clock_schedule_nudges(*, clock: ResponseClock) -> None:
    """Recompute the clock's next nudge time; services call it when `due_at` changes."""
    client = clock.client
    clock.next_nudge_at = next_nudge_schedule(
        clock=clock, levels=policy_levels(client=client), calendar=client.calendar
    )
    clock.save(update_fields=["next_nudge_at", "updated_at"])
