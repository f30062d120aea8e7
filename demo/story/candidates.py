"""The candidates: who is put forward for which role, who they are, and when the
recruiter added them (a little before their first submission)."""

from demo.story.agency import AGENCY_CALENDAR, RECRUITER_EMAIL, business_moment_before
from demo.story.book import ROLES
from demo.story.candidate_pool import (
    EMAIL_DOMAINS,
    EXTRA_TAGS,
    FAMILIES,
    MOTIVATIONS,
    REGIONS,
    SOURCES,
)
from demo.story.replay import CandidatePlan, Story, SubmissionPlan
from demo.story.specs import ascii_fold
from lib.business_hours import add_business_hours
from recruiting import services as recruiting_services
from recruiting.models import ConsentMethod, ConsentPurpose

CONSENT_HEARD = [
    (ConsentMethod.CALL, "Agreed on the first call."),
    (ConsentMethod.EMAIL, "Replied yes to our consent email."),
    (ConsentMethod.CALL, "Agreed on the first call; happy to hear about similar roles."),
    (ConsentMethod.IN_PERSON, "Agreed when we met at the meetup."),
]
CONSENT_PURPOSES = [ConsentPurpose.REPRESENT, ConsentPurpose.STORE]


class CandidatePlanner(Story):
    """Casts the candidates for the roles, describes them and plans when they are added."""

    def _plan_candidates(self) -> list[CandidatePlan]:
        plans, index = [], 0
        for name, family in FAMILIES.items():
            for _ in range(family.size):
                plans.append(CandidatePlan(index=index, family=name))
                index += 1
        return plans

    def _plan_submissions(self, candidates: list[CandidatePlan]) -> list[SubmissionPlan]:
        """Pick each role's candidates among the families that fit it, spreading the
        work so that every candidate is put forward at least once."""
        submissions = []
        for role in ROLES:
            pool = [c for c in candidates if c.family in role.families]
            self.rng.shuffle(pool)
            pool.sort(key=lambda c: (len(c.roles), role.families.index(c.family)))
            scenarios = role.plan.split()
            chosen = pool[: len(scenarios)]
            if len(chosen) < len(scenarios):
                raise RuntimeError(f"Not enough candidates for {role.title}.")
            self.rng.shuffle(scenarios)
            for candidate, scenario in zip(chosen, scenarios, strict=True):
                candidate.roles.append(role.key)
                submissions.append(
                    SubmissionPlan(role, self.client_specs[role.client], candidate, scenario)
                )
        unplaced = [c for c in candidates if not c.roles]
        if unplaced:
            raise RuntimeError(f"{len(unplaced)} demo candidates have no submission.")
        for candidate in candidates:
            self._describe_candidate(candidate)
        return submissions

    def _describe_candidate(self, plan: CandidatePlan) -> None:
        family = FAMILIES[plan.family]
        region_key = self.client_specs[self.role_specs[plan.roles[0]].client].region
        region = REGIONS[region_key]
        while True:
            first, last = self.rng.choice(region["first"]), self.rng.choice(region["last"])
            name = f"{first} {last}"
            if name not in self.names_taken:
                break
        self.names_taken.add(name)
        company = self.rng.choice(family.companies)
        plan.years = self.rng.randint(4, 14)
        tags = self.rng.sample(family.tags, k=min(4, len(family.tags)))
        if self.rng.random() < 0.5:
            tags.append(self.rng.choice(EXTRA_TAGS))
        current = self.rng.randint(60, 190)
        money = region["money"]
        plan.fields = {
            "full_name": name,
            "email": f"{ascii_fold(first)}.{ascii_fold(last)}@{self.rng.choice(EMAIL_DOMAINS)}",
            "phone": region["phone"].format(n=self.rng.randint(0, 999), m=self.rng.randint(0, 99)),
            "location": self.rng.choice(region["places"]),
            "current_title": self.rng.choice(family.titles),
            "current_company": company,
            "source": self.rng.choice(SOURCES),
            "tags": tags,
            "links": [f"https://{ascii_fold(first)}{ascii_fold(last)}.example.net"],
            "internal_notes": (
                f"Currently on {money.format(k=current)} plus bonus; "
                f"notice period {self.rng.choice(['one month', 'two months', 'three months'])}. "
                f"{self.rng.choice(MOTIVATIONS)}"
            ),
        }
        if self.rng.random() < 0.3:
            plan.update_notes = plan.fields["internal_notes"] + (
                f" Update: second call done; would move for {money.format(k=current + 12)}."
            )

    def _plan_candidate_creation(self, candidates: list[CandidatePlan]) -> None:
        for plan in candidates:
            first_submission = min(self.candidate_first[plan.index])
            created = business_moment_before(
                calendar=AGENCY_CALENDAR, end=first_submission, hours=self._hours(2, 40)
            )

            def create(plan=plan) -> None:
                recruiter = self.members[RECRUITER_EMAIL]
                plan.candidate = recruiting_services.candidate_create(
                    actor=recruiter, **plan.fields
                )
                # Consent as the recruiter heard it, on the first call or by email; most
                # also agree to be kept on file for later roles.
                method, note = CONSENT_HEARD[plan.index % len(CONSENT_HEARD)]
                for purpose in CONSENT_PURPOSES[: 1 + (plan.index % 5 != 0)]:
                    recruiting_services.consent_record(
                        actor=recruiter,
                        candidate=plan.candidate,
                        purpose=purpose,
                        granted=True,
                        method=method,
                        note=note,
                    )

            self._at(created, create)
            if plan.update_notes:
                updated = add_business_hours(
                    calendar=AGENCY_CALENDAR, start=created, hours=self._hours(0.5, 1.5)
                )

                def update(plan=plan) -> None:
                    recruiting_services.candidate_update(
                        actor=self.members[RECRUITER_EMAIL],
                        candidate=plan.candidate,
                        internal_notes=plan.update_notes,
                    )

                self._at(updated, update)
