"""The demo story from start to end: each planner lays out its events, then one replay."""

from datetime import timedelta

from demo.story.agency import agency_founded_at
from demo.story.book import CLIENTS, ROLES
from demo.story.candidates import CandidatePlanner
from demo.story.clients import ClientPlanner
from demo.story.roles import RolePlanner
from demo.story.submissions import SubmissionPlanner
from lib.business_hours import add_business_hours


class DemoBuilder(ClientPlanner, RolePlanner, CandidatePlanner, SubmissionPlanner):
    """Plans the demo story, then replays it through the services in date order.

    Each planner lays out one part of the story on the state they share (`Story`).
    They draw from one seeded generator, so the order of the calls in `build` is part
    of the data: changing it tells a different story.
    """

    def build(self) -> None:
        """Plan, then replay. The caller runs this inside the organization's context."""
        self._plan_clients_and_roles()
        candidates = self._plan_candidates()
        for plan in self._plan_submissions(candidates):
            self._plan_submission(plan)
        self._plan_candidate_creation(candidates)
        self._plan_role_closing()
        self._plan_check_ins()
        self._replay()

    def _plan_clients_and_roles(self) -> None:
        founded = agency_founded_at(self.now)
        self._at(founded + timedelta(minutes=20), self._add_recruiter)
        for number, spec in enumerate(CLIENTS):
            signed = add_business_hours(
                calendar=spec.calendar, start=founded, hours=20 + number * 30 + self._hours(0, 6)
            )
            self._plan_client(spec, number + 1, signed)
            roles = [role for role in ROLES if role.client == spec.key]
            opened = add_business_hours(
                calendar=spec.calendar, start=signed, hours=self._hours(60, 140)
            )
            for role in roles:
                self._plan_role(role, spec, opened)
                opened = add_business_hours(
                    calendar=spec.calendar, start=opened, hours=self._hours(20, 60)
                )
