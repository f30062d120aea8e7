"""Property: whatever happens, the rollups kept by the event handlers are exactly what
`rebuild_metrics` recomputes from the raw rows.

Hypothesis draws histories of one role, played through the real services, each step
at a fixed moment (the clock stopped there): submissions with or without culture-fit
notes, HR approvals, skills reviews (advance, reject, need info) and the recruiter's
answers, interview feedback, offers and hires, losses and withdrawals (some while a
clock is overdue, some soon after a late answer), competing-offer deadlines,
check-ins, the role put on hold and reopened. The client's timezone is drawn too,
and the history starts a week before London's and New York's clocks go back.
"""

from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.exceptions import ApplicationError
from lib.tenancy import organization_context
from metrics.rebuild import metrics_rebuild
from metrics.tests.history import History, at, detail_summed_into_totals, rollup_state
from recruiting import services
from recruiting.models import ContactKind, Stage, Submission
from tests.factories import ClientFactory, ContactFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 10, 19, 8, 0, tzinfo=UTC)  # London changes on 25 Oct, New York on 1 Nov
TIMEZONES = ["Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
ACTIONS = [
    "submit",
    "submit_with_notes",
    "approve",
    "advance",
    "reject",
    "need_info",
    "provide_info",
    "feedback_advance",
    "feedback_hold",
    "offer",
    "hire",
    "lose",
    "withdraw",
    "deadline",
    "check_in",
    "hold_role",
    "reopen_role",
]

step = st.tuples(
    st.integers(min_value=1, max_value=60),  # hours since the step before
    st.sampled_from(ACTIONS),
    st.integers(min_value=0, max_value=7),  # which submission
)


def _cast(timezone: str):
    organization = OrganizationFactory()
    client = ClientFactory(organization=organization, timezone=timezone)
    hm_contact = ContactFactory(
        organization=organization, client=client, kind=ContactKind.HIRING_MANAGER
    )
    hr_contact = ContactFactory(organization=organization, client=client, kind=ContactKind.HR)
    return {
        "organization": organization,
        "client": client,
        "recruiter": MembershipFactory(organization=organization, role="recruiter"),
        "hiring_manager": MembershipFactory(
            organization=organization, role="hiring_manager", client=client
        ),
        "hr": MembershipFactory(organization=organization, role="hr", client=client),
        "hm_contact": hm_contact,
        "hr_contact": hr_contact,
    }


def _play(history: History, action: str, submission, moment: datetime) -> None:
    organization_id = history.organization.id
    if action == "submit":
        history.submit(moment)
    elif action == "submit_with_notes":
        history.submit(moment, culture_notes="Likes pairing.")
    elif submission is None:
        return
    elif action == "approve":
        history.approve(submission, moment)
    elif action in {"advance", "reject", "need_info"}:
        history.review(submission, moment, decision=action)
    elif action == "provide_info":
        with at(moment), organization_context(organization_id):
            services.submission_answer_info_request(
                actor=history.recruiter, submission=submission, answer="Five years of it."
            )
    elif action in {"feedback_advance", "feedback_hold"}:
        stage = "Technical interview"
        with organization_context(organization_id):
            if submission.interview_feedback.filter(stage_name=stage).exists():
                stage = "Culture interview"
        history.feedback(submission, moment, stage, outcome=action.removeprefix("feedback_"))
    elif action in {"offer", "hire", "lose", "withdraw"}:
        stage = {"offer": Stage.OFFER, "hire": Stage.HIRED, "lose": Stage.LOST}.get(
            action, Stage.WITHDRAWN
        )
        history.move(submission, moment, stage)
    elif action == "deadline":
        history.competing_deadline(submission, moment, moment + timedelta(hours=20))
    elif action == "check_in":
        history.check_in(moment)
    elif action in {"hold_role", "reopen_role"}:
        with at(moment), organization_context(organization_id):
            history.role.refresh_from_db()
            services.role_change_status(
                actor=history.recruiter,
                role=history.role,
                status="on_hold" if action == "hold_role" else "open",
            )


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(timezone=st.sampled_from(TIMEZONES), steps=st.lists(step, min_size=5, max_size=40))
def test_incremental_rollups_equal_a_rebuild(db, timezone, steps):
    cast = _cast(timezone)
    history = History(agreed_at=START, **cast)
    moment = START
    for hours, action, index in steps:
        moment += timedelta(hours=hours)
        with organization_context(cast["organization"].id):
            submissions = list(Submission.objects.filter(role=history.role).order_by("id"))
        submission = submissions[index % len(submissions)] if submissions else None
        # A move this submission or role cannot make now is refused: the history goes on.
        with suppress(ApplicationError, ValidationError):
            _play(history, action, submission, moment)
    # Read at a fixed moment after the history, never the real now.
    with at(moment + timedelta(hours=1)):
        incremental = rollup_state(cast["organization"].id)
        metrics_rebuild(organization_id=cast["organization"].id)
        assert rollup_state(cast["organization"].id) == incremental
    # The organization-wide totals are the detailed rows summed by day.
    for name, rows in detail_summed_into_totals(incremental).items():
        assert incremental[name] == rows, name
