"""The story as dated events, replayed in date order with the clock moved to each, and
the state the planners share while they lay the events out."""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import time_machine
from django.db import transaction

from accounts.models import Membership, Organization
from demo.story.agency import DEMO_SEED, OWNER_EMAIL, RECRUITER_EMAIL
from demo.story.book import CLIENTS, ROLES
from demo.story.specs import ClientSpec, RoleSpec
from lib import events
from metrics.rebuild import metrics_rebuild


@dataclass
class Event:
    moment: datetime
    order: int
    action: Callable[[], object]


@dataclass
class CandidatePlan:
    index: int
    family: str
    roles: list[str] = field(default_factory=list)
    fields: dict = field(default_factory=dict)
    years: int = 0
    update_notes: str = ""
    candidate: object = None


@dataclass
class SubmissionPlan:
    role: RoleSpec
    client: ClientSpec
    candidate: CandidatePlan
    scenario: str
    submission: object = None


class Story:
    """The generator, the events planned so far and the rows made so far, by key."""

    def __init__(self, *, organization: Organization, owner: Membership, now: datetime) -> None:
        self.organization = organization
        self.owner = owner
        # Whole minutes, so that moments dated from now read naturally on the timeline.
        self.now = now.replace(second=0, microsecond=0)
        # Deterministic demo data, not secrets: a seeded generator is the point.
        self.rng = random.Random(DEMO_SEED)  # noqa: S311
        self.events: list[Event] = []
        self.clients: dict[str, object] = {}
        self.contacts: dict[tuple[str, str], object] = {}  # (client key, "hm"/"hr"/name)
        self.members: dict[str, Membership] = {OWNER_EMAIL: owner}
        self.roles: dict[str, object] = {}
        self.agreed_at: dict[str, datetime] = {}
        self.closed_at: dict[str, datetime] = {}  # per role key, the roles closed
        self.role_specs = {spec.key: spec for spec in ROLES}
        self.client_specs = {spec.key: spec for spec in CLIENTS}
        self.last_moment: dict[str, datetime] = {}  # per role: when its last event happens
        self.candidate_first: dict[int, list[datetime]] = defaultdict(list)
        self.names_taken: set[str] = set()

    def _at(self, moment: datetime, action: Callable[[], object]) -> None:
        if moment >= self.now:
            raise RuntimeError(f"The demo story reached the future ({moment.isoformat()}).")
        self.events.append(Event(moment, len(self.events), action))

    def _replay(self) -> None:
        # One transaction: a failure leaves no half-built agency behind, which the next
        # run would otherwise take for a seeded one and leave as it is.
        # The metrics are rebuilt from the rows once the story is written, instead of
        # kept event by event (a rebuild finds what the handlers keep); the webhook
        # handler has nothing to do, as the demo agency subscribes no endpoint.
        with transaction.atomic():
            with events.deferred("metrics", "integrations"):
                for event in sorted(self.events, key=lambda event: (event.moment, event.order)):
                    with time_machine.travel(event.moment, tick=False):
                        event.action()
            metrics_rebuild(organization_id=self.organization.id)

    def _hours(self, low: float, high: float) -> float:
        # Whole minutes, so timestamps read naturally on the timeline.
        return round(self.rng.uniform(low, high) * 60) / 60

    def _account_manager(self, spec: ClientSpec) -> Membership:
        return self.members[OWNER_EMAIL if spec.owned_by_owner else RECRUITER_EMAIL]
