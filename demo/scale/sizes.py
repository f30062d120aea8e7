"""How big each organization is: the largest, then each next one a fraction of the one
before (a long tail of small agencies)."""

import math
import uuid
from dataclasses import dataclass
from datetime import timedelta

ORGANIZATIONS = 20
RATIO = 0.7  # each organization's size relative to the previous one
HISTORY = timedelta(days=540)  # how long ago the agencies started

# The largest organization.
LARGEST = {
    "clients": 300,
    "roles": 3_000,
    "candidates": 50_000,
    "submissions": 150_000,
    "activities": 400_000,
}
CLIENTS_PER_RECRUITER = 10
LOGIN_EVERY = 5  # every fifth client has a hiring-manager and an HR login


@dataclass
class Plan:
    """One organization to seed: its number (1 is the largest) and its sizes."""

    number: int
    organization_id: str
    clients: int
    roles: int
    candidates: int
    submissions: int
    activities: int

    @property
    def slug(self) -> str:
        return f"scale-{self.number}"

    @property
    def recruiters(self) -> int:
        return math.ceil(self.clients / CLIENTS_PER_RECRUITER)


def plans(*, scale: float, organizations: int) -> list[Plan]:
    result = []
    for index in range(organizations):
        factor = scale * RATIO**index
        size = {name: max(1, round(count * factor)) for name, count in LARGEST.items()}
        # Each candidate's submissions go to distinct roles.
        size["roles"] = max(
            size["roles"], size["clients"], math.ceil(size["submissions"] / size["candidates"])
        )
        result.append(Plan(number=index + 1, organization_id=str(uuid.uuid4()), **size))
    return result
