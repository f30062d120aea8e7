"""The shape of the demo's content: a client's brief and a role's, kept apart from the
planners so that each client's module in `book/` reads as data."""

import unicodedata
from dataclasses import dataclass
from datetime import time

from lib.business_hours import BusinessCalendar


@dataclass(frozen=True)
class Person:
    name: str
    title: str
    email: str = ""  # a login's address; people without one get a company address


@dataclass(frozen=True)
class ClientSpec:
    key: str
    name: str
    website: str
    timezone: str
    day_start: time
    day_end: time
    region: str
    currency: str
    notes: str
    hiring_manager: Person
    hr: Person
    # People without a login: the escalation contact first.
    others: tuple[tuple[str, Person], ...]
    # Response SLAs in business hours: skills review, HR approval, interview feedback, offer.
    slas: tuple[int, int, int, int]
    checkin: tuple[str, int, time]  # cadence, weekday, time
    owned_by_owner: bool = False

    @property
    def calendar(self) -> BusinessCalendar:
        return BusinessCalendar(
            timezone=self.timezone, day_start=self.day_start, day_end=self.day_end
        )

    @property
    def domain(self) -> str:
        return self.website.removeprefix("https://")


@dataclass(frozen=True)
class RoleSpec:
    key: str
    client: str
    title: str
    description: str
    location: str
    arrangement: str
    openings: int
    salary: tuple[int, int]
    priority: str
    families: tuple[str, ...]  # candidate profiles that fit, best first
    # must-have -> evidence templates ({company}, {years}) a recruiter would write
    must_haves: dict[str, tuple[str, str]]
    nice_to_haves: tuple[str, ...]
    deal_breakers: tuple[str, ...]
    culture_traits: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]
    stages: tuple[tuple[str, str, int], ...]  # name, owner, expected days
    scarcity: str
    salary_position: str
    days_to_fill: int
    market_notes: str
    intake_notes: str
    per_week: int
    shortlist: int
    # What happens to its submissions: one scenario each, separated by spaces (the
    # scenarios are the branches of `SubmissionPlanner._plan_submission`).
    plan: str
    hr_approves_notes: bool = True


def ascii_fold(text: str) -> str:
    """`text` as lower-case ASCII letters and digits, for made-up e-mail addresses."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())
