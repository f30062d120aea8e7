"""When each level of a clock's nudge ladder falls, in the client's business time."""

from datetime import datetime

from django.db.models import Q

from engagements.models import NudgePolicy, ResponseClock, default_ladder
from lib.business_hours import BusinessCalendar, add_business_hours

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


def clock_schedule_nudges(*, clock: ResponseClock) -> None:
    """Recompute the clock's next nudge time; services call it when `due_at` changes."""
    client = clock.client
    clock.next_nudge_at = next_nudge_schedule(
        clock=clock, levels=policy_levels(client=client), calendar=client.calendar
    )
    clock.save(update_fields=["next_nudge_at", "updated_at"])
