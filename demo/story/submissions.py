"""Each submission's story: one scenario, laid out as business-hour gaps between the
services' calls and dated so that it ends the scenario's age before now."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Membership
from demo.story.agency import business_moment_before
from demo.story.candidate_pool import FAMILIES, MOTIVATIONS
from demo.story.replay import Story, SubmissionPlan
from demo.story.wording import (
    CULTURE_NOTES,
    FEEDBACK_ADVANCE,
    FEEDBACK_HOLD,
    FEEDBACK_REJECT,
    HR_CHANGE_REQUESTS,
    INFO_ANSWERS,
    LOST_NOTES,
    OBSERVED_BEHAVIOURS,
    REVIEW_ADVANCE,
    REVIEW_NEED_INFO,
    REVIEW_REJECT,
    WITHDRAW_REASONS,
)
from lib.business_hours import add_business_hours
from recruiting import services as recruiting_services
from recruiting.models import (
    CultureDecision,
    InterviewOutcome,
    LostReason,
    ReviewDecision,
    Stage,
)

SUBMISSION_STATE = [
    "stage",
    "stage_changed_at",
    "lost_reason",
    "closing_note",
    "culture_fit_notes",
    "culture_status",
    "competing_offer_deadline",
    "updated_at",
]


class SubmissionPlanner(Story):
    """Plans each submission's scenario as dated calls to the services."""

    def _plan_submission(self, plan: SubmissionPlan) -> None:
        """Lay out the submission's events as business-hour gaps, date them so that the
        last one lies `age` business hours before now, and queue them."""
        role, client = plan.role, plan.client
        hm_sla, hr_sla, feedback_sla, _ = client.slas
        if role.key == "halcyon-backend":
            hm_sla = 24  # version 2 of its agreement, in force for the recent submissions
        h = self._hours
        steps: list[tuple[float, Callable[[], object]]] = []
        scenario = plan.scenario
        stages = [name for name, _, _ in role.stages]

        if scenario == "hr_overdue":
            self._create(steps, plan)
            age = hr_sla + h(3, 20)
        elif scenario == "hr_soon":
            self._create(steps, plan)
            age = hr_sla - h(1, 4)
        elif scenario == "hr_changes":
            self._create(steps, plan)
            self._hr_changes(steps, plan, h(2, 6))
            age = h(1, 10)
        elif scenario == "hr_resubmitted":
            self._create(steps, plan)
            self._hr_changes(steps, plan, h(2, 6))
            steps.append((h(1, 4), self._revise(plan)))
            age = hr_sla + h(2, 10) if self.rng.random() < 0.5 else h(0.5, hr_sla - 1)
        elif scenario == "review_overdue":
            self._reach_review(steps, plan, hr_sla)
            age = hm_sla + h(3, 30)
        elif scenario == "review_soon":
            self._reach_review(steps, plan, hr_sla)
            age = hm_sla - h(1, 5)
        elif scenario == "review_fresh":
            self._reach_review(steps, plan, hr_sla)
            age = h(0.3, 3)
        elif scenario == "review_need_info":
            self._reach_review(steps, plan, hr_sla)
            steps.append((h(2, hm_sla - 2), self._review(plan, ReviewDecision.NEED_INFO)))
            steps.append((h(1, 5), self._answer(plan)))
            age = h(0.5, 6)
        elif scenario == "review_competing":
            # The candidate has another offer expiring in a few days: the review clock
            # is due by then, whatever the SLA says.
            deadline = self.now + timedelta(hours=round(self.rng.uniform(30, 96)))
            self._reach_review(steps, plan, hr_sla, deadline=lambda: deadline)
            age = h(1, 6)
        elif scenario == "interview_first":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            age = h(1, feedback_sla - 1)
        elif scenario == "interview_overdue":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            age = feedback_sla + h(4, 24)
        elif scenario == "interview_next":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            self._pass_interviews(steps, plan, stages[: self.rng.randint(1, len(stages))])
            age = h(1, feedback_sla + 8)
        elif scenario == "interview_hold":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            steps.append((h(6, 30), self._feedback(plan, stages[0], InterviewOutcome.HOLD)))
            age = h(8, 40)
        elif scenario == "offer":
            self._reach_offer(steps, plan, hr_sla, hm_sla)
            if self.rng.random() < 0.5:
                deadline = self.now + timedelta(hours=round(self.rng.uniform(40, 120)))
                steps.append((h(1, 4), self._set_deadline(plan, deadline)))
            age = h(2, 30)
        elif scenario == "hired":
            self._reach_offer(steps, plan, hr_sla, hm_sla)
            steps.append(
                (h(10, 40), self._move(plan, Stage.HIRED, "Offer accepted; start date agreed."))
            )
            age = h(10, 140)
        elif scenario == "rejected_review":
            self._reach_review(steps, plan, hr_sla)
            steps.append((h(2, hm_sla + 8), self._review(plan, ReviewDecision.REJECT)))
            age = h(10, 200)
        elif scenario == "rejected_interview":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            failed_at = self.rng.randint(0, len(stages) - 1)
            self._pass_interviews(steps, plan, stages[:failed_at])
            steps.append(
                (h(6, 30), self._feedback(plan, stages[failed_at], InterviewOutcome.REJECT))
            )
            age = h(8, 150)
        elif scenario == "withdrawn":
            when = self.rng.choice(["submitted", "review", "interviewing"])
            if when == "submitted":
                self._create(steps, plan)
            elif when == "review":
                self._reach_review(steps, plan, hr_sla)
            else:
                self._reach_interviews(steps, plan, hr_sla, hm_sla)
            reason = self.rng.choice(WITHDRAW_REASONS)
            steps.append((h(4, 24), self._move(plan, Stage.WITHDRAWN, reason)))
            age = h(8, 160)
        elif scenario == "lost_offer_elsewhere":
            # The competing offer expires about four days after submission; the hiring
            # manager never reviews, and the candidate takes the other job.
            days = self.rng.uniform(3, 5)
            self._reach_review(
                steps, plan, hr_sla, deadline=lambda: timezone.now() + timedelta(days=days)
            )
            steps.append((h(48, 70), self._lose(plan, LostReason.ACCEPTED_OTHER_OFFER)))
            age = h(10, 120)
        elif scenario == "lost_unresponsive":
            self._reach_review(steps, plan, hr_sla)
            steps.append((hm_sla + h(40, 70), self._lose(plan, LostReason.UNRESPONSIVE_CLIENT)))
            age = h(5, 120)
        elif scenario == "lost_compensation":
            self._reach_offer(steps, plan, hr_sla, hm_sla)
            steps.append((h(8, 30), self._lose(plan, LostReason.COMPENSATION)))
            age = h(5, 100)
        elif scenario == "lost_other":
            self._reach_interviews(steps, plan, hr_sla, hm_sla)
            steps.append((h(10, 40), self._lose(plan, LostReason.OTHER)))
            age = h(5, 100)
        else:
            raise ValueError(f"Unknown demo scenario {scenario!r}.")
        self._schedule(plan, steps, age)

    def _schedule(self, plan: SubmissionPlan, steps, age: float) -> None:
        calendar = plan.client.calendar
        span = sum(gap for gap, _ in steps) + age
        start = business_moment_before(calendar=calendar, end=self.now, hours=span)
        if start <= self.agreed_at[plan.role.key]:
            raise RuntimeError(f"A {plan.scenario} story for {plan.role.title} starts too early.")
        self.candidate_first[plan.candidate.index].append(start)
        moment = start
        for gap, action in steps:
            moment = add_business_hours(calendar=calendar, start=moment, hours=gap)
            self._at(moment, action)
        self.last_moment[plan.role.key] = max(self.last_moment.get(plan.role.key, moment), moment)

    # Building blocks: each appends (gap in business hours, action) pairs.

    def _create(self, steps, plan: SubmissionPlan, deadline=None) -> None:
        role, candidate = plan.role, plan.candidate
        family = FAMILIES[candidate.family]
        first = candidate.fields["full_name"].split(" ")[0]
        company = candidate.fields["current_company"]
        must_haves = list(role.must_haves.items())
        evidence = [
            {
                "must_have": must_have,
                "evidence": self.rng.choice(templates).format(
                    company=company, years=candidate.years
                ),
            }
            for must_have, templates in must_haves[: self.rng.randint(2, len(must_haves))]
        ]
        pitch = (
            f"{candidate.fields['full_name']}, {candidate.fields['current_title']} at {company} "
            f"({candidate.years} years' experience, based in {candidate.fields['location']}). "
            f"{self.rng.choice(family.hook)} Strongest against “{must_haves[0][0]}”. "
            f"{self.rng.choice(MOTIVATIONS)}"
        )
        notes = self.rng.choice(CULTURE_NOTES).format(
            first=first, company=company, trait=self.rng.choice(role.culture_traits)
        )

        def create() -> None:
            plan.submission = recruiting_services.submission_create(
                actor=self._account_manager(plan.client),
                role=self.roles[role.key],
                candidate=candidate.candidate,
                pitch=pitch,
                skills_summary=evidence,
                culture_fit_notes=notes,
                competing_offer_deadline=deadline() if deadline else None,
            )

        steps.append((0, create))

    def _reach_review(self, steps, plan: SubmissionPlan, hr_sla: int, deadline=None) -> None:
        """Submitted and, when the agreement asks for it, approved by HR (sometimes
        after one round of changes): the submission waits for the hiring manager."""
        self._create(steps, plan, deadline)
        if not plan.role.hr_approves_notes:
            return
        if self.rng.random() < 0.2:
            self._hr_changes(steps, plan, self._hours(2, hr_sla * 0.8))
            steps.append((self._hours(1, 4), self._revise(plan)))
        steps.append((self._hours(1, hr_sla * 0.9), self._hr_decide(plan, CultureDecision.APPROVE)))

    def _reach_interviews(self, steps, plan, hr_sla: int, hm_sla: int) -> None:
        self._reach_review(steps, plan, hr_sla)
        steps.append((self._hours(2, hm_sla), self._review(plan, ReviewDecision.ADVANCE)))

    def _pass_interviews(self, steps, plan, stages: list[str]) -> None:
        steps.extend(
            (self._hours(6, 30), self._feedback(plan, stage, InterviewOutcome.ADVANCE))
            for stage in stages
        )

    def _reach_offer(self, steps, plan, hr_sla: int, hm_sla: int) -> None:
        self._reach_interviews(steps, plan, hr_sla, hm_sla)
        self._pass_interviews(steps, plan, [name for name, _, _ in plan.role.stages])
        steps.append((self._hours(3, 12), self._move(plan, Stage.OFFER, "", by_client=True)))

    def _hr_changes(self, steps, plan, gap: float) -> None:
        steps.append((gap, self._hr_decide(plan, CultureDecision.REQUEST_CHANGES)))

    def _fresh(self, plan: SubmissionPlan):
        # Reviews act on their own locked copy of the row, so ours is re-read before a
        # service that reads its state; only the fields services change, which keeps
        # the cached role, candidate and client (and spares a query for each).
        plan.submission.refresh_from_db(fields=SUBMISSION_STATE)
        return plan.submission

    def _held(self, plan: SubmissionPlan):
        # For the services that lock and read the row themselves (reviews, moves): they
        # take only its id, client and role from ours, which never change.
        return plan.submission

    def _hm(self, plan: SubmissionPlan) -> Membership:
        return self.members[plan.client.hiring_manager.email]

    def _hr(self, plan: SubmissionPlan) -> Membership:
        return self.members[plan.client.hr.email]

    def _hr_decide(self, plan: SubmissionPlan, decision: str):
        comment = (
            self.rng.choice(HR_CHANGE_REQUESTS)
            if decision == CultureDecision.REQUEST_CHANGES
            else self.rng.choice(["", "Fine to share.", "Approved, thanks."])
        )

        def decide() -> None:
            recruiting_services.culture_approval_submit(
                actor=self._hr(plan),
                submission=self._held(plan),
                decision=decision,
                comment=comment,
            )

        return decide

    def _revise(self, plan: SubmissionPlan):
        role = plan.role
        first = plan.candidate.fields["full_name"].split(" ")[0]
        observed = self.rng.sample(OBSERVED_BEHAVIOURS, k=2)
        examples = "; ".join(
            f"{trait} ({first} {example})"
            for trait, example in zip(role.culture_traits, observed, strict=False)
        )
        notes = f"Revised after HR's comments. Against the agreed traits: {examples}."

        def revise() -> None:
            recruiting_services.submission_revise_culture_notes(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                culture_fit_notes=notes,
            )

        return revise

    def _review(self, plan: SubmissionPlan, decision: str):
        must_haves = list(plan.role.must_haves)
        weak = self.rng.choice(must_haves)
        company = plan.candidate.fields["current_company"]
        if decision == ReviewDecision.ADVANCE:
            ratings = {m: self.rng.randint(3, 5) for m in must_haves}
            comment = self.rng.choice(REVIEW_ADVANCE)
        elif decision == ReviewDecision.REJECT:
            ratings = {m: (2 if m == weak else self.rng.randint(3, 4)) for m in must_haves}
            comment = self.rng.choice(REVIEW_REJECT).format(must_have=weak)
        else:
            ratings = {}
            comment = self.rng.choice(REVIEW_NEED_INFO).format(must_have=weak, company=company)

        def review() -> None:
            recruiting_services.skills_review_submit(
                actor=self._hm(plan),
                submission=self._held(plan),
                decision=decision,
                ratings=ratings,
                comment=comment,
            )

        return review

    def _answer(self, plan: SubmissionPlan):
        first = plan.candidate.fields["full_name"].split(" ")[0]
        answer = self.rng.choice(INFO_ANSWERS).format(first=first)

        def answer_request() -> None:
            recruiting_services.submission_answer_info_request(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                answer=answer,
            )

        return answer_request

    def _feedback(self, plan: SubmissionPlan, stage: str, outcome: str):
        owner = next(owner for name, owner, _ in plan.role.stages if name == stage)
        weak = self.rng.choice(list(plan.role.must_haves))
        bank = {
            InterviewOutcome.ADVANCE: (FEEDBACK_ADVANCE, (4, 5)),
            InterviewOutcome.HOLD: (FEEDBACK_HOLD, (3, 3)),
            InterviewOutcome.REJECT: (FEEDBACK_REJECT, (1, 2)),
        }
        comments, (low, high) = bank[outcome]
        comment = self.rng.choice(comments).format(stage=stage.lower(), must_have=weak)
        rating = self.rng.randint(low, high)

        def log_feedback() -> None:
            author = {
                "hr": self._hr(plan),
                "recruiter": self._account_manager(plan.client),
            }.get(owner, self._hm(plan))
            recruiting_services.interview_feedback_submit(
                actor=author,
                submission=self._held(plan),
                stage_name=stage,
                outcome=outcome,
                rating=rating,
                comment=comment,
            )

        return log_feedback

    def _move(self, plan: SubmissionPlan, stage: str, reason: str, *, by_client=False):
        def move() -> None:
            actor = self._hm(plan) if by_client else self._account_manager(plan.client)
            recruiting_services.submission_move(
                actor=actor, submission=self._held(plan), to_stage=stage, reason=reason
            )

        return move

    def _lose(self, plan: SubmissionPlan, lost_reason: str):
        note = self.rng.choice(LOST_NOTES[lost_reason])

        def lose() -> None:
            recruiting_services.submission_move(
                actor=self._account_manager(plan.client),
                submission=self._held(plan),
                to_stage=Stage.LOST,
                reason=note,
                lost_reason=lost_reason,
            )

        return lose

    def _set_deadline(self, plan: SubmissionPlan, deadline: datetime):
        def set_deadline() -> None:
            recruiting_services.submission_set_competing_deadline(
                actor=self._account_manager(plan.client),
                submission=self._fresh(plan),
                deadline=deadline,
            )

        return set_deadline
