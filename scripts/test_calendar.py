"""Run the suite as if today were another day: a weekend night, each side of a
daylight-saving change, a year ahead and five years ahead.

A test that mixes a fixed date with the real clock passes on the day it was written
and fails some day later; this finds it now. The moments are computed from today,
so the check keeps looking ahead. Real Celery workers and the browser run on the
real clock in other processes, and schemathesis's run over the API takes minutes,
so those tests are left to the ordinary run.

usage: test_calendar.py [PYTEST ARGS...]
"""

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "-m",
    "not browser and not worker and not schemathesis",
    "-q",
]


def next_offset_change(zone: str, after: datetime) -> datetime:
    """The first hour at which `zone`'s UTC offset differs from the one at `after`."""
    tz = ZoneInfo(zone)
    moment = after.replace(minute=0, second=0, microsecond=0)
    offset = moment.astimezone(tz).utcoffset()
    for _ in range(24 * 400):
        moment += timedelta(hours=1)
        if moment.astimezone(tz).utcoffset() != offset:
            return moment
    raise RuntimeError(f"{zone} changes no offset within a year")


def moments(today: datetime) -> dict[str, datetime]:
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    london_change = next_offset_change("Europe/London", today)
    new_york_change = next_offset_change("America/New_York", today)
    return {
        "a Saturday night": saturday.replace(hour=23, minute=30, second=0, microsecond=0),
        "just before London's clocks change": london_change - timedelta(minutes=30),
        "just after New York's clocks change": new_york_change + timedelta(minutes=30),
        "a year ahead, a Monday before office hours": _monday_after(today + timedelta(days=365)),
        "five years ahead": _monday_after(today + timedelta(days=5 * 365)).replace(hour=14),
    }


def _monday_after(day: datetime) -> datetime:
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    return monday.replace(hour=6, minute=0, second=0, microsecond=0)


def main(args: list[str]) -> int:
    failed = []
    for label, moment in moments(datetime.now(UTC)).items():
        print(f"\n== the suite on {label}: {moment.isoformat()}", flush=True)
        result = subprocess.run([*PYTEST, f"--clock-at={moment.isoformat()}", *args], check=False)
        if result.returncode != 0:
            failed.append(f"{label} ({moment.isoformat()})")
    if failed:
        print("\nCalendar-dependent failures on: " + "; ".join(failed), file=sys.stderr)
        return 1
    print("\nThe suite gives the same answer on every day tried.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
