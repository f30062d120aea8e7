"""Each figure of docs/metrics.md on a small history with a known answer, made through
the services; and after each, a rebuild from the raw rows gives the same rollups.

The client works 09:00–17:30 in London, Monday to Friday; the role's hiring manager
owes a skills review within 16 business hours. In November London is on UTC.
"""

from datetime import UTC, date, datetime

import pytest

from engagements.models import ResponseClock
from lib.business_hours import add_business_hours
from lib.tenancy import organization_context
from metrics.models import DelayLoss, DelayReason
from metrics.rebuild import metrics_rebuild
from metrics.selectors import MetricsFilter, Window, metrics_summary
from metrics.tests.history import History, at, rollup_state
from recruiting.models import Stage

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
# Seven and a half business hours on Monday, eight and a half on Tuesday: due at close.
DUE_TUESDAY = datetime(2026, 11, 3, 17, 30, tzinfo=UTC)
WEDNESDAY_10 = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
THURSDAY_NOON = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
WEEK = Window(date(2026, 11, 2), date(2026, 11, 9))


def summary(history, when: datetime, window: Window = WEEK, **filters):
    with at(when), organization_context(history.organization.id):
        return metrics_summary(
            membership=history.recruiter, window=window, filters=MetricsFilter(**filters)
        )


def assert_rebuild_agrees(history) -> None:
    incremental = rollup_state(history.organization.id)
    metrics_rebuild(organization_id=history.organization.id)
    assert rollup_state(history.organization.id) == incremental


def test_a_clock_answered_exactly_at_its_due_time_is_on_time(history):
    submission = history.submit(MONDAY_10)
    with organization_context(history.organization.id):
        assert ResponseClock.objects.get(submission=submission).due_at == DUE_TUESDAY
    history.review(submission, DUE_TUESDAY)

    sla = summary(history, THURSDAY_NOON).current.sla
    assert (sla.counted, sla.on_time, sla.answered_late, sla.compliance_pct) == (1, 1, 0, 100.0)
    assert_rebuild_agrees(history)


def test_compliance_counts_late_answers_and_overdue_clocks_but_not_those_not_yet_due(history):
    on_time = history.submit(MONDAY_10)
    late = history.submit(MONDAY_10)
    history.submit(MONDAY_10)  # never answered: overdue since Tuesday 17:30
    # Due next Monday at 10:00 (6.5 hours on Thursday, 8.5 on Friday, 1 on Monday).
    history.submit(datetime(2026, 11, 5, 11, 0, tzinfo=UTC))
    history.review(on_time, datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    history.review(late, WEDNESDAY_10)  # one business hour late

    figures = summary(history, THURSDAY_NOON, window=Window(date(2026, 11, 2), date(2026, 11, 10)))
    sla = figures.current.sla
    assert (sla.counted, sla.on_time, sla.answered_late, sla.overdue_now) == (3, 1, 1, 1)
    assert sla.compliance_pct == 33.3
    # One late answer of 1.0 business hour: its bucket is (0.5, 1] hours.
    assert 0.5 < sla.median_lateness_business_hours <= 1.0
    score = figures.current.responsiveness
    # (1 on time + 39/40 for an hour late + 0 for the overdue one) of 3 clocks.
    assert (score.score, score.counted, score.late_credit) == (66, 3, 0.975)
    assert_rebuild_agrees(history)


def test_an_open_clock_not_yet_due_is_not_counted(history):
    history.submit(MONDAY_10)
    sla = summary(history, datetime(2026, 11, 3, 17, 0, tzinfo=UTC)).current.sla
    assert (sla.counted, sla.overdue_now, sla.compliance_pct) == (0, 0, None)
    # At its due time an answer would still be on time; a minute later it is overdue.
    sla = summary(history, DUE_TUESDAY).current.sla
    assert (sla.counted, sla.overdue_now) == (0, 0)
    sla = summary(history, datetime(2026, 11, 3, 17, 31, tzinfo=UTC)).current.sla
    assert (sla.counted, sla.overdue_now, sla.compliance_pct) == (1, 1, 0.0)
    assert_rebuild_agrees(history)


def test_time_to_first_feedback_in_business_and_calendar_hours(history):
    first = history.submit(MONDAY_10)
    second = history.submit(MONDAY_10)
    history.review(first, DUE_TUESDAY)  # 16 business hours, 31.5 calendar hours
    history.review(second, WEDNESDAY_10)  # 17 business hours, 48 calendar hours

    feedback = summary(history, THURSDAY_NOON).current.time_to_feedback
    assert feedback.count == 2
    assert (feedback.business_hours.mean, feedback.calendar_hours.mean) == (16.5, 39.8)
    # 16 and 17 hours fall in the buckets (12, 16] and (16, 24]; 31.5 and 48 calendar
    # hours in (24, 32] and (40, 48].
    assert 12 < feedback.business_hours.median <= 24
    assert 24 < feedback.calendar_hours.median <= 48
    assert_rebuild_agrees(history)


def test_hr_approval_is_the_first_feedback_when_it_comes_first(history):
    submission = history.submit(MONDAY_10, culture_notes="Calm and curious.")
    history.approve(submission, datetime(2026, 11, 2, 15, 0, tzinfo=UTC))  # 5 hours later
    history.review(submission, WEDNESDAY_10)

    feedback = summary(history, THURSDAY_NOON).current.time_to_feedback
    assert (feedback.count, feedback.business_hours.mean) == (1, 5.0)
    assert_rebuild_agrees(history)


def test_a_loss_while_a_clock_is_overdue_is_a_cost_of_delay(history):
    lost = history.submit(MONDAY_10, name="Ada Lovelace")
    early = history.submit(MONDAY_10)
    history.move(early, datetime(2026, 11, 3, 12, 0, tzinfo=UTC), Stage.WITHDRAWN)  # not yet due
    history.move(lost, datetime(2026, 11, 4, 12, 0, tzinfo=UTC), Stage.LOST)

    figures = summary(history, THURSDAY_NOON).current
    assert (figures.cost_of_delay.count, figures.cost_of_delay.losses) == (1, 2)
    assert figures.cost_of_delay.share_pct == 50.0
    # The overdue clock cancelled by the loss counts as missed; the other is left out.
    assert (figures.sla.counted, figures.sla.missed, figures.sla.compliance_pct) == (1, 1, 0.0)
    with organization_context(history.organization.id):
        loss = DelayLoss.objects.get()
    assert (loss.submission_id, loss.reason) == (lost.pk, DelayReason.OVERDUE)
    assert (loss.business_seconds_late, loss.seconds_late) == (3 * 3600, 18.5 * 3600)
    assert loss.contact_id == history.role.hiring_manager_id
    assert_rebuild_agrees(history)


def test_a_loss_within_seven_days_of_a_late_answer_is_a_cost_of_delay(history):
    submission = history.submit(MONDAY_10)
    history.review(submission, WEDNESDAY_10)  # an hour late; interviews start
    history.move(submission, datetime(2026, 11, 6, 12, 0, tzinfo=UTC), Stage.LOST)

    with organization_context(history.organization.id):
        loss = DelayLoss.objects.get()
    assert (loss.reason, loss.business_seconds_late) == (DelayReason.LATE_ANSWER, 3600)
    assert summary(history, datetime(2026, 11, 8, tzinfo=UTC)).current.cost_of_delay.count == 1
    assert_rebuild_agrees(history)


def test_a_loss_more_than_seven_days_after_a_late_answer_is_not(history):
    submission = history.submit(MONDAY_10)
    history.review(submission, WEDNESDAY_10)
    # The first interview's feedback comes in time and holds: nothing else is owed.
    history.feedback(submission, THURSDAY_NOON, "Technical interview", outcome="hold")
    history.move(submission, datetime(2026, 11, 11, 10, 1, tzinfo=UTC), Stage.WITHDRAWN)
    with organization_context(history.organization.id):
        assert not DelayLoss.objects.exists()
    assert_rebuild_agrees(history)


def test_lateness_across_a_clock_change_counts_business_hours_of_the_client(
    organization, client_company, recruiter, hiring_manager, hr, hm_contact, hr_contact
):
    """London goes back to GMT on Sunday 25 October 2026. A review asked for on Friday
    at 16:00 BST is due after 16 business hours on Tuesday at 15:00 GMT; answered on
    Wednesday at 10:00 GMT, it is 2.5 + 1 = 3.5 business hours late (19 hours)."""
    history = History(
        organization=organization,
        client=client_company,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
        hr=hr,
        hm_contact=hm_contact,
        hr_contact=hr_contact,
        agreed_at=datetime(2026, 10, 19, 8, 0, tzinfo=UTC),
    )
    submission = history.submit(datetime(2026, 10, 23, 15, 0, tzinfo=UTC))
    with organization_context(organization.id):
        clock = ResponseClock.objects.get(submission=submission)
    assert clock.due_at == datetime(2026, 10, 27, 15, 0, tzinfo=UTC)
    history.review(submission, datetime(2026, 10, 28, 10, 0, tzinfo=UTC))

    figures = summary(
        history,
        datetime(2026, 10, 29, tzinfo=UTC),
        window=Window(date(2026, 10, 26), date(2026, 11, 2)),
    ).current
    assert (figures.sla.counted, figures.sla.answered_late) == (1, 1)
    assert figures.responsiveness.late_credit == round(1 - 3.5 / 40, 3)
    assert 3 < figures.sla.median_lateness_business_hours <= 4
    assert_rebuild_agrees(history)


def test_funnel_time_in_stage_and_time_to_hire(history):
    hired = history.submit(MONDAY_10)
    rejected = history.submit(MONDAY_10)
    history.review(hired, datetime(2026, 11, 2, 16, 0, tzinfo=UTC))
    history.review(rejected, datetime(2026, 11, 2, 16, 0, tzinfo=UTC), decision="reject")
    history.feedback(hired, datetime(2026, 11, 4, 10, 0, tzinfo=UTC), "Technical interview")
    history.feedback(hired, datetime(2026, 11, 5, 10, 0, tzinfo=UTC), "Culture interview")
    history.move(hired, datetime(2026, 11, 6, 10, 0, tzinfo=UTC), Stage.OFFER)
    history.move(hired, datetime(2026, 11, 12, 10, 0, tzinfo=UTC), Stage.HIRED)  # 10 days

    figures = summary(
        history,
        datetime(2026, 11, 20, tzinfo=UTC),
        window=Window(date(2026, 11, 2), date(2026, 11, 16)),
    ).current
    funnel = figures.funnel
    assert (funnel.submitted, funnel.interviewing, funnel.offer, funnel.hired) == (2, 1, 1, 1)
    assert (funnel.rejected, funnel.interviewing_pct, funnel.overall_pct) == (1, 50.0, 50.0)
    assert (figures.time_to_hire.count, figures.time_to_hire.mean) == (1, 10.0)
    assert 7 < figures.time_to_hire.median <= 10
    stages = {stage.stage: stage for stage in figures.time_in_stage}
    # Both reviewed six hours after they were submitted; interviews ran four days.
    assert (stages["hm_review"].moved_on, stages["hm_review"].mean_hours) == (2, 6.0)
    assert (stages["interviewing"].moved_on, stages["interviewing"].mean_hours) == (1, 90.0)
    assert (stages["offer"].moved_on, stages["offer"].mean_hours) == (1, 144.0)
    assert_rebuild_agrees(history)


def test_delivered_against_the_weekly_target_and_check_ins_on_cadence(history):
    """Agreed on Monday 2 November at 08:00: its weeks count from Monday 9 November.
    Three submissions a week and a weekly check-in were agreed."""
    history.submit(datetime(2026, 11, 4, 10, 0, tzinfo=UTC))  # before the first week
    history.submit(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))
    history.submit(datetime(2026, 11, 12, 10, 0, tzinfo=UTC))
    history.check_in(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))

    week = Window(date(2026, 11, 9), date(2026, 11, 16))
    figures = summary(history, datetime(2026, 11, 20, tzinfo=UTC), window=week).current
    assert (figures.delivery.delivered, figures.delivery.target) == (2, 3.0)
    assert figures.delivery.delivered_pct == 66.7
    assert (figures.check_ins.held, figures.check_ins.expected) == (1, 1.0)
    assert figures.check_ins.on_cadence_pct == 100.0
    # Halfway through the week, half of its target is due so far.
    figures = summary(history, datetime(2026, 11, 12, 12, 0, tzinfo=UTC), window=week).current
    assert figures.delivery.target == round(3 * 4 / 7, 1)
    assert_rebuild_agrees(history)


def test_answering_later_never_raises_the_responsiveness_score(
    history, organization, client_company, recruiter, hiring_manager, hr, hm_contact, hr_contact
):
    """The same clock on five roles, answered at its due time, then later and later:
    each role's score is no higher than the one answered before it."""
    scores = []
    for hours_late in (0, 1, 8, 30, 60):
        role_history = History(
            organization=organization,
            client=client_company,
            recruiter=recruiter,
            hiring_manager=hiring_manager,
            hr=hr,
            hm_contact=hm_contact,
            hr_contact=hr_contact,
            agreed_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        )
        submission = role_history.submit(MONDAY_10)
        role_history.review(
            submission,
            add_business_hours(
                calendar=client_company.calendar, start=DUE_TUESDAY, hours=hours_late
            ),
            decision="reject",  # nothing more is owed after it
        )
        figures = summary(
            role_history,
            datetime(2026, 12, 1, tzinfo=UTC),
            role_id=role_history.role.pk,
        )
        scores.append(figures.current.responsiveness.score)
    assert scores == [100, 98, 80, 25, 0]
    assert scores == sorted(scores, reverse=True)
