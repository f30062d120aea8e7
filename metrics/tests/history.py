"""Histories made through the real services, each step at a fixed moment.

Every step runs with the clock stopped at its moment (`time_machine.travel(...,
tick=False)`), so what the services stamp (creation, answers, due times) is exactly
what the test says, and nothing mixes a fixed date with the real now.
"""

from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime

import time_machine
from django.db.models import F

from engagements.services.reminders import checkin_log
from intake.models import AgreementStatus
from intake.services import agreement_acknowledge
from lib.tenancy import organization_context
from metrics.models import (
    ClockClientDays,
    ClockClientWeeks,
    ClockRollup,
    ClockTotals,
    DelayLoss,
    DurationClientWeeks,
    DurationRollup,
    DurationTotals,
    FeedbackClientWeeks,
    FeedbackRollup,
    FeedbackTotals,
    RoleClientDays,
    RoleClientWeeks,
    RoleRollup,
    RoleTotals,
    SubmissionClientDays,
    SubmissionClientWeeks,
    SubmissionRollup,
    SubmissionTotals,
    TargetPeriod,
)
from metrics.rollups import projected
from recruiting import services
from recruiting.models import LostReason, ReviewDecision, Stage
from tests.factories import AgreementFactory, CandidateFactory, RoleFactory

ROLLUPS = (
    ClockRollup,
    FeedbackRollup,
    SubmissionRollup,
    RoleRollup,
    DurationRollup,
    # The organization-wide totals: the property test holds them to a rebuild too.
    ClockTotals,
    FeedbackTotals,
    SubmissionTotals,
    RoleTotals,
    DurationTotals,
    # And their copies per client and week, and per client and day.
    ClockClientWeeks,
    FeedbackClientWeeks,
    SubmissionClientWeeks,
    RoleClientWeeks,
    DurationClientWeeks,
    ClockClientDays,
    SubmissionClientDays,
    RoleClientDays,
)


@contextmanager
def at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        yield


class History:
    """One role of the cast's client, worked by the cast, step by step."""

    def __init__(
        self,
        *,
        organization,
        client,
        recruiter,
        hiring_manager,
        hr,
        hm_contact,
        hr_contact,
        agreed_at: datetime,
        submissions_per_week: int = 3,
        hm_review_sla_hours: int = 16,
    ):
        self.organization = organization
        self.recruiter, self.hiring_manager, self.hr = recruiter, hiring_manager, hr
        with at(agreed_at), organization_context(organization.id):
            self.role = RoleFactory(
                organization=organization,
                client=client,
                hiring_manager=hm_contact,
                hr_contact=hr_contact,
            )
            self.agreement = AgreementFactory(
                organization=organization,
                role=self.role,
                status=AgreementStatus.PROPOSED,
                submissions_per_week=submissions_per_week,
                hm_review_sla_hours=hm_review_sla_hours,
            )
            # Agreed through the service, so that the target's handler hears of it.
            services_intake_agree(self, agreed_at)

    def submit(self, moment: datetime, *, culture_notes: str = "", name: str = ""):
        with at(moment), organization_context(self.organization.id):
            candidate = CandidateFactory(
                organization=self.organization, **({"full_name": name} if name else {})
            )
            return services.submission_create(
                actor=self.recruiter,
                role=self.role,
                candidate=candidate,
                pitch="Shipped the same thing twice.",
                culture_fit_notes=culture_notes,
            )

    def review(self, submission, moment: datetime, decision: str = ReviewDecision.ADVANCE):
        comment = "" if decision == ReviewDecision.ADVANCE else "Not this time."
        with at(moment), organization_context(self.organization.id):
            return services.skills_review_submit(
                actor=self.hiring_manager, submission=submission, decision=decision, comment=comment
            )

    def approve(self, submission, moment: datetime):
        with at(moment), organization_context(self.organization.id):
            return services.culture_approval_submit(
                actor=self.hr, submission=submission, decision="approve"
            )

    def feedback(self, submission, moment: datetime, stage_name: str, outcome: str = "advance"):
        with at(moment), organization_context(self.organization.id):
            return services.interview_feedback_submit(
                actor=self.hiring_manager,
                submission=submission,
                stage_name=stage_name,
                outcome=outcome,
                rating=4,
                comment="" if outcome == "advance" else "No.",
            )

    def move(self, submission, moment: datetime, stage: str):
        extra = {}
        if stage == Stage.LOST:
            extra["lost_reason"] = LostReason.ACCEPTED_OTHER_OFFER
        if stage in {Stage.WITHDRAWN, Stage.REJECTED}:
            extra["reason"] = "Took another job."
        with at(moment), organization_context(self.organization.id):
            return services.submission_move(
                actor=self.recruiter, submission=submission, to_stage=stage, **extra
            )

    def competing_deadline(self, submission, moment: datetime, deadline: datetime):
        with at(moment), organization_context(self.organization.id):
            return services.submission_set_competing_deadline(
                actor=self.recruiter, submission=submission, deadline=deadline
            )

    def check_in(self, moment: datetime):
        with at(moment), organization_context(self.organization.id):
            return checkin_log(
                actor=self.recruiter, role=self.role, held_at=moment, notes="Weekly check-in held."
            )


def services_intake_agree(history: History, moment: datetime) -> None:
    """Both client parties acknowledge the agreement: it comes into force."""
    for member in (history.hiring_manager, history.hr):
        agreement_acknowledge(actor=member, agreement=history.agreement)
    history.role.refresh_from_db()
    assert history.role.agreement_id == history.agreement.pk, moment


def detail_summed_into_totals(state: dict) -> dict:
    """The detailed rollups of a `rollup_state` summed by the key of each of their
    coarser copies (organization-wide totals, client weeks, client days): what those must hold."""
    result = {}
    for model in ROLLUPS:
        for copy in model.copies():
            width = len(model.COUNTERS)
            sums: dict = defaultdict(lambda width=width: [0] * width)
            for row in state[model.__name__]:
                key = (row[0], *projected(model, copy, row[1 : 1 + len(model.KEY)]))
                for i, amount in enumerate(row[-len(model.COUNTERS) :]):
                    sums[key][i] += amount
            result[copy.__name__] = sorted(
                ((*key, *counters) for key, counters in sums.items() if any(counters)), key=repr
            )
    return result


def rollup_state(organization_id) -> dict:
    """Every rollup row of the organization, without timestamps and zero rows: what the
    incremental path and the rebuild must agree on."""
    state = {}
    with organization_context(organization_id):
        for model in ROLLUPS:
            columns = ["organization_id", *model.KEY, *model.COUNTERS]
            rows = model.objects.values_list(*columns)
            state[model.__name__] = sorted(
                (row for row in rows if any(row[-len(model.COUNTERS) :])), key=repr
            )
        state["DelayLoss"] = sorted(
            DelayLoss.objects.values_list(
                "submission_id",
                "clock_id",
                "contact_id",
                "reason",
                "stage",
                "lost_at",
                "day",
                "business_seconds_late",
                "seconds_late",
            ),
            key=repr,
        )
        state["TargetPeriod"] = sorted(
            TargetPeriod.objects.annotate(role_pk=F("role_id")).values_list(
                "role_pk", "starts_on", "ends_on", "submissions_per_week", "checkin_cadence"
            ),
            key=repr,
        )
    return state
