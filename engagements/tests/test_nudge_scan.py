"""The nudge ladder's timing and the scan's claims: exactly one Nudge per (clock, level)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from engagements.models import (
    ClockKind,
    Nudge,
    NudgePolicy,
    NudgeSkip,
    NudgeStatus,
    ResponseClock,
)
from engagements.services import clock_open, clocks_close, nudges, schedule
from lib.tenancy import organization_context
from tests.factories import ClientFactory, RoleFactory, SubmissionFactory

# London client, 09:00–17:30 Monday to Friday (the factory's defaults).
WEDNESDAY_10AM = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)


def _clock(organization, client, *, opened_at, sla_hours=2, deadline=None):
    submission = SubmissionFactory(
        organization=organization,
        role=RoleFactory(organization=organization, client=client),
        competing_offer_deadline=deadline,
    )
    with organization_context(organization.id):
        return clock_open(
            submission=submission,
            kind=ClockKind.HM_REVIEW,
            sla_hours=sla_hours,
            opened_at=opened_at,
        )


def _nudges(organization):
    with organization_context(organization.id):
        return list(Nudge.objects.order_by("clock_id", "level").values_list("clock_id", "level"))


@pytest.fixture
def london(organization):
    return ClientFactory(organization=organization, timezone="Europe/London")


def test_the_first_level_is_due_when_the_clock_is(organization, london):
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=2)
    assert clock.due_at == WEDNESDAY_10AM + timedelta(hours=2)
    assert clock.next_nudge_at == clock.due_at


def test_levels_follow_in_business_days_skipping_the_weekend(organization, london):
    # Due Friday 17:00 London; a business day is 8.5 hours (09:00–17:30).
    clock = _clock(organization, london, opened_at=FRIDAY_4PM, sla_hours=1)
    with organization_context(organization.id):
        levels = schedule.policy_levels(client=london)
        times = [
            schedule.level_due_at(clock=clock, level=level, calendar=london.calendar)
            for level in levels
        ]
    assert times == [
        datetime(2026, 11, 27, 17, 0, tzinfo=UTC),  # level 1: at the due time
        datetime(2026, 11, 30, 17, 0, tzinfo=UTC),  # level 2: Monday, one business day on
        datetime(2026, 12, 1, 17, 0, tzinfo=UTC),  # level 3: Tuesday
    ]


def test_a_due_time_in_quiet_hours_waits_for_the_next_business_window(organization, london):
    # A competing offer pulls the due time to Saturday night: the nudge waits for Monday 09:00.
    saturday_night = datetime(2026, 11, 28, 21, 0, tzinfo=UTC)
    clock = _clock(organization, london, opened_at=FRIDAY_4PM, sla_hours=8, deadline=saturday_night)
    assert clock.due_at == saturday_night
    assert clock.next_nudge_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_a_client_policy_overrides_the_organization_default(organization, london):
    with organization_context(organization.id):
        NudgePolicy.objects.create(
            organization=organization,
            client=london,
            levels=[
                {
                    "level": 1,
                    "after_business_days": 0.5,
                    "recipients": ["recruiter"],
                    "channels": ["email"],
                },
            ],
        )
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    # Due 11:00, half a business day (4.25 h) later: 15:15.
    assert clock.next_nudge_at == datetime(2026, 11, 25, 15, 15, tzinfo=UTC)


def test_new_york_times_across_the_november_clock_change(organization):
    new_york = ClientFactory(organization=organization, timezone="America/New_York")
    # Friday 30 Oct 2026 16:00 EDT; DST ends Sunday 1 Nov.
    opened = datetime(2026, 10, 30, 20, 0, tzinfo=UTC)
    clock = _clock(organization, new_york, opened_at=opened, sla_hours=2)
    # 1.5 h left on Friday (to 17:30 EDT), then 30 min from Monday 09:00 EST (14:00 UTC).
    assert clock.due_at == datetime(2026, 11, 2, 14, 30, tzinfo=UTC)


def test_scan_claims_each_due_level_once(organization, london, django_capture_on_commit_callbacks):
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    with (
        time_machine.travel(WEDNESDAY_10AM + timedelta(hours=2), tick=False),
        django_capture_on_commit_callbacks() as enqueued,
    ):
        claimed = nudges.nudges_scan()
        again = nudges.nudges_scan()

    assert [(c.clock_id, c.level) for c in claimed] == [(clock.pk, 1)]
    assert again == []
    assert len(enqueued) == 1
    with organization_context(organization.id):
        clock.refresh_from_db()
    assert clock.nudge_level == 1
    # Level 2: one business day (8.5 h) after the 11:00 due time.
    assert clock.next_nudge_at == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)


def test_scan_before_the_due_time_claims_nothing(organization, london):
    _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=4)
    with time_machine.travel(WEDNESDAY_10AM + timedelta(hours=3), tick=False):
        assert nudges.nudges_scan() == []


def test_a_closed_clock_is_never_claimed(organization, london, hiring_manager):
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    with organization_context(organization.id):
        ResponseClock.objects.filter(pk=clock.pk).update(closed_at=WEDNESDAY_10AM)
    with time_machine.travel(WEDNESDAY_10AM + timedelta(days=3), tick=False):
        assert nudges.nudges_scan() == []


def test_the_scan_spans_organizations_and_claims_in_each_ones_context(
    organization, other_organization, london
):
    theirs = ClientFactory(organization=other_organization)
    ours = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    other = _clock(other_organization, theirs, opened_at=WEDNESDAY_10AM, sla_hours=1)
    with time_machine.travel(WEDNESDAY_10AM + timedelta(hours=2), tick=False):
        claimed = nudges.nudges_scan()

    assert {(c.organization_id, c.clock_id) for c in claimed} == {
        (str(organization.id), ours.pk),
        (str(other_organization.id), other.pk),
    }
    assert _nudges(organization) == [(ours.pk, 1)]
    assert _nudges(other_organization) == [(other.pk, 1)]


def test_the_application_cannot_read_clocks_across_organizations_except_due_ids(
    organization, london
):
    _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM engagements_responseclock")
        assert cursor.fetchone() == (0,)  # no context, no rows
        cursor.execute(
            "SELECT * FROM rapport_due_nudges(%s, 10)", [WEDNESDAY_10AM + timedelta(days=1)]
        )
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert len(rows[0]) == 2  # identifiers only: clock id, organization id


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_claim_each_clock_level_exactly_once(organization, london, monkeypatch):
    clocks = [
        _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1) for _ in range(30)
    ]
    start = threading.Barrier(4)
    results: list[list] = []
    errors: list[BaseException] = []

    def scan() -> None:
        try:
            start.wait()
            results.append(nudges.nudges_scan(now=WEDNESDAY_10AM + timedelta(hours=2)))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # Claims only: delivery has its own tests with a real broker and worker.
    monkeypatch.setattr(nudges, "nudges_enqueue", lambda **kwargs: None)
    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    claimed = [(c.clock_id, c.level) for batch in results for c in batch]
    assert sorted(claimed) == sorted((clock.pk, 1) for clock in clocks)
    assert _nudges(organization) == sorted((clock.pk, 1) for clock in clocks)
    with organization_context(organization.id):
        assert set(Nudge.objects.values_list("status", flat=True)) == {NudgeStatus.PENDING}


def test_the_organization_default_policy_applies_to_clients_without_their_own(organization, london):
    with organization_context(organization.id):
        NudgePolicy.objects.create(
            organization=organization,
            client=None,
            levels=[
                {
                    "level": 1,
                    "after_business_days": 1,
                    "recipients": ["recruiter"],
                    "channels": ["email"],
                },
            ],
        )
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    # Due Wednesday 11:00; one business day (8.5 h) later is Thursday 11:00.
    assert clock.next_nudge_at == datetime(2026, 11, 26, 11, 0, tzinfo=UTC)


# --- The claim re-checks what the scan saw --------------------------------------------
# The scan's list of due clocks is read before the claim locks them: in between, the
# client may answer or the next nudge may be rescheduled. The claim's locked select
# asks again (open, next nudge due), and the unique (clock, level) constraint is the
# last word should two claims of one level ever reach the insert.

NOON = WEDNESDAY_10AM + timedelta(hours=2)  # the clock below fell due at 11:00


def _due_clock(organization, london):
    """A clock whose first nudge is due at NOON, as the scan sees it."""
    with time_machine.travel(WEDNESDAY_10AM, tick=False):
        clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    with time_machine.travel(NOON, tick=False):
        assert nudges.due_clock_ids(now=NOON) == [(clock.pk, str(organization.id))]
    return clock


def _claim(organization, clock, capture):
    with (
        time_machine.travel(NOON, tick=False),
        organization_context(organization.id),
        capture() as enqueued,
    ):
        claimed = nudges.nudges_claim_batch(clock_ids=[clock.pk], now=NOON)
    return claimed, enqueued


def test_a_clock_answered_between_the_scan_and_the_claim_is_not_nudged(
    organization, london, hiring_manager, django_capture_on_commit_callbacks
):
    clock = _due_clock(organization, london)
    with time_machine.travel(NOON, tick=False), organization_context(organization.id):
        clocks_close(submission=clock.submission, by=hiring_manager)

    claimed, enqueued = _claim(organization, clock, django_capture_on_commit_callbacks)

    assert claimed == []
    assert enqueued == []
    assert _nudges(organization) == []


def test_a_nudge_rescheduled_later_between_the_scan_and_the_claim_is_not_claimed_yet(
    organization, london, django_capture_on_commit_callbacks
):
    clock = _due_clock(organization, london)
    later = NOON + timedelta(days=1)
    with organization_context(organization.id):
        ResponseClock.objects.filter(pk=clock.pk).update(next_nudge_at=later)

    claimed, enqueued = _claim(organization, clock, django_capture_on_commit_callbacks)

    assert claimed == []
    assert enqueued == []
    assert _nudges(organization) == []
    with organization_context(organization.id):
        clock.refresh_from_db()
    assert (clock.nudge_level, clock.next_nudge_at) == (0, later)


def test_a_level_already_inserted_is_neither_inserted_again_nor_enqueued(
    organization, london, django_capture_on_commit_callbacks
):
    """Another claim's row for (clock, level 1) is there when this claim inserts: the
    unique constraint keeps one row, and only an insert that happened is delivered."""
    clock = _due_clock(organization, london)
    with time_machine.travel(NOON, tick=False), organization_context(organization.id):
        first = Nudge.objects.create(organization=organization, clock=clock, level=1)

    claimed, enqueued = _claim(organization, clock, django_capture_on_commit_callbacks)

    assert claimed == []
    assert enqueued == []
    with organization_context(organization.id):
        assert list(Nudge.objects.values_list("pk", "clock_id", "level", "status")) == [
            (first.pk, clock.pk, 1, NudgeStatus.PENDING)
        ]


# --- Catching up: the highest level due, inside the client's business hours --------------


def _levels(organization):
    """(level, status, reason) of every nudge, in level order."""
    with organization_context(organization.id):
        return list(
            Nudge.objects.order_by("clock_id", "level").values_list(
                "level", "status", "skip_reason"
            )
        )


def test_a_clock_first_seen_past_every_level_sends_only_the_highest_and_skips_the_rest(
    organization, london, django_capture_on_commit_callbacks
):
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    # Nobody scanned for a week (Wednesday 10:00 again, the client at work): every level is due.
    with (
        time_machine.travel(WEDNESDAY_10AM + timedelta(days=7), tick=False),
        django_capture_on_commit_callbacks() as enqueued,
    ):
        claimed = nudges.nudges_scan()
        again = nudges.nudges_scan()

    assert [(c.clock_id, c.level) for c in claimed] == [(clock.pk, 3)]
    assert again == []
    assert len(enqueued) == 1  # only level 3 is delivered
    assert _levels(organization) == [
        (1, NudgeStatus.SKIPPED, NudgeSkip.PASSED_OVER),
        (2, NudgeStatus.SKIPPED, NudgeSkip.PASSED_OVER),
        (3, NudgeStatus.PENDING, ""),
    ]
    with organization_context(organization.id):
        clock.refresh_from_db()
    assert clock.nudge_level == 3
    assert clock.next_nudge_at is None  # the ladder is done


def test_a_scan_that_fell_behind_sends_the_level_due_now_and_passes_over_the_one_before(
    organization, london
):
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    # Level 1 due Wednesday 11:00, level 2 Thursday 11:00, level 3 Friday 11:00.
    with time_machine.travel(datetime(2026, 11, 26, 15, 0, tzinfo=UTC), tick=False):
        claimed = nudges.nudges_scan()

    assert [c.level for c in claimed] == [2]
    assert _levels(organization) == [
        (1, NudgeStatus.SKIPPED, NudgeSkip.PASSED_OVER),
        (2, NudgeStatus.PENDING, ""),
    ]
    with organization_context(organization.id):
        clock.refresh_from_db()
    assert clock.next_nudge_at == datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


def test_a_clock_found_overdue_outside_business_hours_waits_for_the_clients_morning(
    organization, london, django_capture_on_commit_callbacks
):
    """The report: a clock far overdue when the scan first saw it sent levels 1, 2
    and 3 in the same minute, on a Saturday night. Now nothing goes out until Monday
    09:00 in London, and then only level 3."""
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    saturday_night = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)
    monday_9am = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    with (
        time_machine.travel(saturday_night, tick=False),
        django_capture_on_commit_callbacks() as enqueued,
    ):
        assert nudges.nudges_scan() == []
    assert enqueued == []
    assert _nudges(organization) == []
    with organization_context(organization.id):
        clock.refresh_from_db()
    assert (clock.nudge_level, clock.next_nudge_at) == (0, monday_9am)

    # Scans every minute until then find nothing due: the clock is not in the index's range.
    with time_machine.travel(monday_9am - timedelta(minutes=1), tick=False):
        assert nudges.nudges_scan() == []
    with time_machine.travel(monday_9am, tick=False):
        claimed = nudges.nudges_scan()

    assert [c.level for c in claimed] == [3]
    assert [status for _, status, _ in _levels(organization)] == [
        NudgeStatus.SKIPPED,
        NudgeStatus.SKIPPED,
        NudgeStatus.PENDING,
    ]


def test_a_level_due_at_the_close_of_the_day_found_just_after_waits_for_the_next_morning(
    organization, london
):
    # Opened Wednesday 09:30 with 8 business hours: due at 17:30, the window's last instant.
    clock = _clock(
        organization, london, opened_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC), sla_hours=8
    )
    closing = datetime(2026, 11, 25, 17, 30, tzinfo=UTC)
    assert clock.due_at == closing
    with time_machine.travel(closing + timedelta(seconds=20), tick=False):
        assert nudges.nudges_scan() == []
    with organization_context(organization.id):
        clock.refresh_from_db()
    assert clock.next_nudge_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_a_clock_answered_while_it_waits_for_the_morning_is_never_nudged(
    organization, london, hiring_manager
):
    clock = _clock(organization, london, opened_at=WEDNESDAY_10AM, sla_hours=1)
    with time_machine.travel(datetime(2026, 11, 25, 20, 0, tzinfo=UTC), tick=False):
        assert nudges.nudges_scan() == []
        with organization_context(organization.id):
            clocks_close(submission=clock.submission, by=hiring_manager)
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), tick=False):
        assert nudges.nudges_scan() == []
    assert _nudges(organization) == []
