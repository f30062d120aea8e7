"""Who the demo agency is, who signs in to it, and when it opened its account."""

from datetime import UTC, datetime, time, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password

from accounts.models import MembershipRole
from lib.business_hours import BusinessCalendar

DEMO_SEED = 2026
DEMO_PASSWORD = "rapport-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_AGENCY = "Northwind Talent"
DEMO_AGENCY_TIMEZONE = "Europe/London"
DEMO_PEOPLE = [
    ("owner@demo.rapport.test", "Olivia Bennett", MembershipRole.OWNER),
    ("recruiter@demo.rapport.test", "Ravi Menon", MembershipRole.RECRUITER),
    ("hm@demo.rapport.test", "Hana Sato", MembershipRole.HIRING_MANAGER),
    ("hr@demo.rapport.test", "Henry Adeyemi", MembershipRole.HR),
]
OWNER_EMAIL, RECRUITER_EMAIL, HM_EMAIL, HR_EMAIL = (email for email, _, _ in DEMO_PEOPLE)


@cache
def demo_password_hash() -> str:
    """The demo password hashed once for every demo login: the hasher takes about half
    a second a call on purpose, which made hashing it 14 times most of seeding."""
    return make_password(DEMO_PASSWORD)


# The agency's own office hours: when the recruiter adds candidates.
AGENCY_CALENDAR = BusinessCalendar(
    timezone=DEMO_AGENCY_TIMEZONE, day_start=time(8, 30), day_end=time(18, 0)
)
# How long ago, in agency business hours, the agency opened its account.
AGENCY_AGE_HOURS = 9.5 * 110


def business_moment_before(*, calendar: BusinessCalendar, end: datetime, hours: float) -> datetime:
    """The business moment `hours` of business time before `end` (the mirror of
    `lib.business_hours.add_business_hours`, simple enough for demo dates)."""
    remaining = timedelta(hours=hours)
    zone = calendar.zone
    day = end.astimezone(zone).date()
    while True:
        if day.weekday() in calendar.workdays:
            opening = datetime.combine(day, calendar.day_start, tzinfo=zone).astimezone(UTC)
            closing = min(datetime.combine(day, calendar.day_end, tzinfo=zone).astimezone(UTC), end)
            if closing > opening:
                if remaining <= closing - opening:
                    return closing - remaining
                remaining -= closing - opening
        day -= timedelta(days=1)


def agency_founded_at(now: datetime) -> datetime:
    """When the demo agency opened its account, a few months before `now`."""
    return business_moment_before(
        calendar=AGENCY_CALENDAR, end=now.replace(second=0, microsecond=0), hours=AGENCY_AGE_HOURS
    )
