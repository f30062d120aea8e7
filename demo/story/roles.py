"""The roles, each agreed at an intake meeting (one renegotiated to a version 2), and the
role filled by the end of the story."""

import random
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from demo.story.agency import DEMO_SEED, HM_EMAIL, HR_EMAIL
from demo.story.book import FILLED_ROLE
from demo.story.replay import Story
from demo.story.specs import ClientSpec, RoleSpec
from engagements.services.reminders import checkin_log
from intake import services as intake_services
from lib.business_hours import add_business_hours
from recruiting import services as recruiting_services
from recruiting.models import RoleStatus

CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 28}
# A check-in is logged an hour after it was held.
LOGGED_AFTER = timedelta(hours=1)
CHECK_IN_NOTES = (
    "Went through the shortlist; no change to the brief.",
    "Client asked for two more profiles this week.",
    "Feedback on the last interviews; scheduling the next round.",
    "Salary band confirmed; market notes shared.",
)


class RolePlanner(Story):
    """Plans each role's opening, intake meeting and agreement, and the filled role's end."""

    def _terms(self, role: RoleSpec, client: ClientSpec) -> dict:
        hm_sla, hr_sla, feedback_sla, offer_sla = client.slas
        cadence, weekday, checkin_time = client.checkin
        return {
            "submissions_per_week": role.per_week,
            "shortlist_size": role.shortlist,
            "checkin_cadence": cadence,
            "checkin_weekday": weekday,
            "checkin_time": checkin_time,
            "interview_stages": [
                {"name": name, "owner": owner, "expected_days": days}
                for name, owner, days in role.stages
            ],
            "hm_review_sla_hours": hm_sla,
            "hr_approval_sla_hours": hr_sla,
            "interview_feedback_sla_hours": feedback_sla,
            "offer_decision_sla_hours": offer_sla,
            "culture_notes_need_hr_approval": role.hr_approves_notes,
            "must_haves": list(role.must_haves),
            "nice_to_haves": list(role.nice_to_haves),
            "deal_breakers": list(role.deal_breakers),
            "culture_traits": list(role.culture_traits),
            "glossary": [{"term": term, "meaning": meaning} for term, meaning in role.glossary],
            "talent_scarcity": role.scarcity,
            "salary_position": role.salary_position,
            "expected_days_to_fill": role.days_to_fill,
            "market_notes": role.market_notes,
        }

    def _plan_role(self, role: RoleSpec, client: ClientSpec, opened: datetime) -> None:
        calendar = client.calendar

        def create_role() -> None:
            self.roles[role.key] = recruiting_services.role_create(
                actor=self._account_manager(client),
                client=self.clients[client.key],
                title=role.title,
                hiring_manager=self.contacts[(client.key, "hm")],
                hr_contact=self.contacts[(client.key, "hr")],
                owner=self._account_manager(client),
                description=role.description,
                location=role.location,
                work_arrangement=role.arrangement,
                openings=role.openings,
                salary_min=role.salary[0],
                salary_max=role.salary[1],
                salary_currency=client.currency,
                priority=role.priority,
            )

        self._at(opened, create_role)
        held = add_business_hours(calendar=calendar, start=opened, hours=self._hours(4, 20))
        recorded = add_business_hours(calendar=calendar, start=held, hours=self._hours(1, 3))
        agreement: dict[str, object] = {}

        def record_intake() -> None:
            agreement["v1"] = intake_services.intake_meeting_record(
                actor=self._account_manager(client),
                role=self.roles[role.key],
                held_at=held,
                attendees=[self.contacts[(client.key, "hm")], self.contacts[(client.key, "hr")]],
                notes=role.intake_notes,
                terms=self._terms(role, client),
            )

        self._at(recorded, record_intake)
        first, second = ("hm", "hr") if self.rng.random() < 0.6 else ("hr", "hm")
        moment = recorded
        for slot in (first, second):
            moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(1, 12))
            email = client.hiring_manager.email if slot == "hm" else client.hr.email

            def acknowledge(email=email) -> None:
                intake_services.agreement_acknowledge(
                    actor=self.members[email], agreement=agreement["v1"]
                )
                # The role row now points at the agreed version; later services read it
                # from this instance.
                self.roles[role.key].refresh_from_db()

            self._at(moment, acknowledge)
        self.agreed_at[role.key] = moment
        if role.key == "halcyon-backend":
            self._plan_renegotiation(role, client, agreement, moment)

    def _plan_renegotiation(self, role, client, agreement, agreed) -> None:
        """Three weeks in, the hiring manager asks for a longer review SLA: version 2."""
        calendar = client.calendar
        asked = add_business_hours(calendar=calendar, start=agreed, hours=170)

        def comment() -> None:
            intake_services.agreement_comment(
                actor=self.members[HM_EMAIL],
                agreement=agreement["v1"],
                body="I'm in clinic on Thursdays and can't always review within 16 business "
                "hours. Could we agree 24, and add 'FHIR' to the glossary?",
            )

        self._at(asked, comment)
        proposed = add_business_hours(calendar=calendar, start=asked, hours=3)

        def propose() -> None:
            terms = self._terms(role, client)
            terms["hm_review_sla_hours"] = 24
            terms["glossary"].append(
                {"term": "FHIR", "meaning": "HL7 FHIR R4 APIs as used by NHS integrations."}
            )
            agreement["v2"] = intake_services.agreement_propose(
                actor=self._account_manager(client), role=self.roles[role.key], terms=terms
            )

        self._at(proposed, propose)
        moment = proposed
        for email in (HM_EMAIL, HR_EMAIL):
            moment = add_business_hours(calendar=calendar, start=moment, hours=self._hours(1, 5))

            def acknowledge(email=email) -> None:
                intake_services.agreement_acknowledge(
                    actor=self.members[email], agreement=agreement["v2"], comment="Agreed."
                )
                self.roles[role.key].refresh_from_db()

            self._at(moment, acknowledge)

    def _plan_role_closing(self) -> None:
        role = self.role_specs[FILLED_ROLE]
        client = self.client_specs[role.client]
        closed = add_business_hours(
            calendar=client.calendar, start=self.last_moment[role.key], hours=2
        )

        def fill() -> None:
            recruiting_services.role_change_status(
                actor=self._account_manager(client),
                role=self.roles[role.key],
                status=RoleStatus.FILLED,
            )

        self._at(closed, fill)
        self.closed_at[role.key] = closed

    def _plan_check_ins(self) -> None:
        """The agency's check-ins with each client about its open roles, on the agreed
        cadence from the agreement on, about one in six skipped. Drawn from a generator
        of their own, so that adding them changed nothing else in the story."""
        rng = random.Random(f"{DEMO_SEED}-check-ins")  # noqa: S311 - demo data, not secrets
        for key, agreed in self.agreed_at.items():
            client = self.client_specs[self.role_specs[key].client]
            cadence, weekday, at = client.checkin
            step = timedelta(days=CADENCE_DAYS[cadence])
            zone = ZoneInfo(client.timezone)
            end = self.closed_at.get(key, self.now)
            day = agreed.astimezone(zone).date() + timedelta(days=1)
            day += timedelta(days=(weekday - day.weekday()) % 7)
            while (held := datetime.combine(day, at, tzinfo=zone)) + LOGGED_AFTER < end:
                if rng.random() >= 1 / 6:
                    self._at(held + LOGGED_AFTER, partial(self._log_check_in, client, key, held))
                day += step

    def _log_check_in(self, client: ClientSpec, key: str, held: datetime) -> None:
        checkin_log(
            actor=self._account_manager(client),
            role=self.roles[key],
            held_at=held,
            notes=CHECK_IN_NOTES[held.toordinal() % len(CHECK_IN_NOTES)],
        )
