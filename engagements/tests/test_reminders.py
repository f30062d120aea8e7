"""Missed check-ins and submissions targets behind: when each is due, claimed once."""

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection

from activity.models import Activity
from engagements.models import CheckIn, Notification, Reminder, ReminderKind
from engagements.services import reminders
from engagements.tasks import scan_reminders
from intake.models import Cadence, ExpectationAgreement, Weekday
from lib.tenancy import organization_context
from recruiting.models import ContactKind, Role
from tests.factories import (
    AgreementFactory,
    ClientFactory,
    ContactFactory,
    RoleFactory,
    SubmissionFactory,
)

LONDON = "Europe/London"  # on GMT (= UTC) in November
AGREED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Monday of ISO week 45
TUESDAY_CHECKIN = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday 10:00 London


def _agreement(cadence=Cadence.WEEKLY, weekday=Weekday.TUESDAY, at=time(10), agreed_at=AGREED):
    return ExpectationAgreement(
        checkin_cadence=cadence, checkin_weekday=weekday, checkin_time=at, agreed_at=agreed_at
    )


def _latest(agreement, now, tz=LONDON):
    return reminders.checkin_latest_scheduled(agreement=agreement, timezone_name=tz, now=now)


def _next(agreement, now, tz=LONDON):
    return reminders.checkin_next_scheduled(agreement=agreement, timezone_name=tz, now=now)


# --- The cadence ---------------------------------------------------------------------------


def test_weekly_check_ins_fall_every_agreed_weekday_at_the_agreed_time():
    agreement = _agreement()
    assert _latest(agreement, TUESDAY_CHECKIN + timedelta(hours=2)) == TUESDAY_CHECKIN
    assert _latest(agreement, TUESDAY_CHECKIN) == TUESDAY_CHECKIN
    assert _latest(agreement, TUESDAY_CHECKIN - timedelta(minutes=1)) == TUESDAY_CHECKIN - (
        timedelta(days=7)
    )
    assert _next(agreement, TUESDAY_CHECKIN) == TUESDAY_CHECKIN + timedelta(days=7)


def test_no_check_in_is_due_before_the_agreement_was_agreed():
    agreement = _agreement(agreed_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))  # a Wednesday
    assert _latest(agreement, datetime(2026, 11, 27, 12, 0, tzinfo=UTC)) is None
    assert _next(agreement, datetime(2026, 11, 27, 12, 0, tzinfo=UTC)) == datetime(
        2026, 12, 1, 10, 0, tzinfo=UTC
    )


def test_fortnightly_check_ins_fall_every_other_week_from_the_week_agreed():
    # Agreed on Wednesday 4 November: that week's Tuesday had passed, so the first
    # check-in is two weeks on (17 November), then 1 December.
    agreement = _agreement(Cadence.FORTNIGHTLY, agreed_at=datetime(2026, 11, 4, 15, tzinfo=UTC))
    assert _latest(agreement, datetime(2026, 11, 16, tzinfo=UTC)) is None
    assert _next(agreement, datetime(2026, 11, 5, tzinfo=UTC)) == datetime(
        2026, 11, 17, 10, tzinfo=UTC
    )
    assert _latest(agreement, datetime(2026, 11, 25, tzinfo=UTC)) == datetime(
        2026, 11, 17, 10, tzinfo=UTC
    )
    assert _latest(agreement, datetime(2026, 12, 2, tzinfo=UTC)) == datetime(
        2026, 12, 1, 10, tzinfo=UTC
    )
    zone = ZoneInfo(LONDON)
    assert reminders.is_checkin_day(agreement=agreement, day=date(2026, 11, 17), zone=zone)
    assert not reminders.is_checkin_day(agreement=agreement, day=date(2026, 11, 24), zone=zone)


def test_monthly_check_ins_fall_on_the_first_such_weekday_of_the_month():
    agreement = _agreement(Cadence.MONTHLY, agreed_at=datetime(2026, 10, 1, tzinfo=UTC))
    # The first Tuesdays: 3 November and 1 December 2026.
    assert _latest(agreement, datetime(2026, 11, 30, tzinfo=UTC)) == datetime(
        2026, 11, 3, 10, tzinfo=UTC
    )
    assert _next(agreement, datetime(2026, 11, 4, tzinfo=UTC)) == datetime(
        2026, 12, 1, 10, tzinfo=UTC
    )
    assert _latest(agreement, datetime(2026, 12, 1, 11, tzinfo=UTC)) == datetime(
        2026, 12, 1, 10, tzinfo=UTC
    )


def test_check_in_times_stay_on_the_clients_wall_clock_across_clock_changes():
    agreement = _agreement(agreed_at=datetime(2026, 1, 5, tzinfo=UTC))
    # London moves to summer time on Sunday 29 March 2026: 10:00 is 09:00 UTC after it.
    assert _latest(agreement, datetime(2026, 3, 31, 9, 30, tzinfo=UTC)) == datetime(
        2026, 3, 31, 9, 0, tzinfo=UTC
    )
    assert _latest(agreement, datetime(2026, 3, 31, 8, 30, tzinfo=UTC)) == datetime(
        2026, 3, 24, 10, 0, tzinfo=UTC
    )
    # ... and back on Sunday 25 October: 10:00 is 10:00 UTC again.
    assert _latest(agreement, datetime(2026, 10, 27, 12, tzinfo=UTC)) == datetime(
        2026, 10, 27, 10, 0, tzinfo=UTC
    )
    # A New York client in the weeks when only the United States had changed.
    assert _latest(agreement, datetime(2026, 3, 10, 20, tzinfo=UTC), "America/New_York") == (
        datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
    )


def test_the_target_week_runs_from_monday_midnight_and_is_checked_from_thursday_noon():
    week = reminders.target_week(
        timezone_name="America/New_York", now=datetime(2026, 11, 26, 3, tzinfo=UTC)
    )
    # 03:00 UTC on Thursday is still Wednesday evening in New York.
    assert week.starts_at == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
    assert week.checked_from == datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    assert week.period == "2026-W48"


# --- Missed check-ins ---------------------------------------------------------------------


@pytest.fixture
def linked_hm_contact(organization, client_company, hiring_manager):
    """The role's hiring manager, with a login in the agency."""
    return ContactFactory(
        organization=organization,
        client=client_company,
        kind=ContactKind.HIRING_MANAGER,
        full_name="Hana Meyer",
        email="hana@acme.test",
        user=hiring_manager.user,
    )


def _role(organization, client, *, owner, hiring_manager=None, **terms):
    role = RoleFactory(
        organization=organization, client=client, owner=owner, hiring_manager=hiring_manager
    )
    terms.setdefault("agreed_at", AGREED)
    agreement = AgreementFactory(organization=organization, role=role, **terms)
    with organization_context(organization.id):
        Role.objects.filter(pk=role.pk).update(agreement=agreement)
    role.agreement = agreement
    return role


@pytest.fixture
def role(organization, client_company, recruiter, linked_hm_contact):
    return _role(
        organization,
        client_company,
        owner=recruiter,
        hiring_manager=linked_hm_contact,
        checkin_cadence=Cadence.WEEKLY,
        checkin_weekday=Weekday.TUESDAY,
        checkin_time=time(10, 0),
        submissions_per_week=1,
    )


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """Run the hourly task at a moment, executing what it sends after commit."""

    def run(when: datetime) -> int:
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return scan_reminders()

    return run


def _reminders(organization, kind=None):
    with organization_context(organization.id):
        queryset = Reminder.objects.order_by("pk")
        if kind:
            queryset = queryset.filter(kind=kind)
        return list(queryset.values_list("kind", "period"))


def _log_checkin(role, actor, held_at):
    with organization_context(role.organization_id), time_machine.travel(held_at, tick=False):
        return reminders.checkin_log(
            actor=actor, role=role, held_at=held_at, notes="Pipeline reviewed; no changes."
        )


def test_a_missed_check_in_is_reminded_once_two_business_hours_later(
    organization, role, recruiter, hiring_manager, scan
):
    assert scan(TUESDAY_CHECKIN + timedelta(hours=1, minutes=59)) == 0
    assert mail.outbox == []

    assert scan(TUESDAY_CHECKIN + timedelta(hours=2)) == 1
    assert scan(TUESDAY_CHECKIN + timedelta(hours=3)) == 0  # the next run: nothing new

    assert _reminders(organization) == [(ReminderKind.MISSED_CHECKIN, "2026-11-24")]
    assert sorted(message.to[0] for message in mail.outbox) == [
        hiring_manager.user.email,
        recruiter.user.email,
    ]
    message = next(m for m in mail.outbox if m.to == [recruiter.user.email])
    assert message.subject == f"Missed check-in: {role.title} at Acme Robotics"
    assert "Tue 24 Nov, 10:00 has not been logged" in message.body
    assert f"/roles/{role.public_id}/check-ins/new/" in message.body
    with organization_context(organization.id):
        notified = sorted(Notification.objects.values_list("membership_id", flat=True))
        entry = Activity.objects.get(verb="reminder.missed_checkin")
    assert notified == sorted([recruiter.pk, hiring_manager.pk])
    assert entry.role_id == role.pk
    assert entry.internal is False


def test_running_the_task_twice_sends_one_mail_per_recipient(organization, role, scan):
    moment = TUESDAY_CHECKIN + timedelta(hours=4)
    assert scan(moment) == 1
    assert scan(moment) == 0
    assert len(mail.outbox) == 2
    assert len(_reminders(organization)) == 1


def test_a_check_in_logged_prevents_the_reminder(organization, role, recruiter, scan):
    _log_checkin(role, recruiter, TUESDAY_CHECKIN + timedelta(minutes=5))
    assert scan(TUESDAY_CHECKIN + timedelta(hours=5)) == 0
    assert mail.outbox == []


def test_a_check_in_held_more_than_a_day_before_does_not_count(organization, role, recruiter, scan):
    _log_checkin(role, recruiter, TUESDAY_CHECKIN - timedelta(days=1, minutes=1))
    assert scan(TUESDAY_CHECKIN + timedelta(hours=5)) == 1


def test_a_check_in_held_the_day_before_counts_but_not_earlier(organization, role, recruiter, scan):
    _log_checkin(role, recruiter, TUESDAY_CHECKIN - timedelta(hours=23))
    assert scan(TUESDAY_CHECKIN + timedelta(hours=5)) == 0
    # The next week's check-in is not covered by one held eight days before it.
    assert scan(TUESDAY_CHECKIN + timedelta(days=7, hours=5)) == 1
    assert _reminders(organization) == [(ReminderKind.MISSED_CHECKIN, "2026-12-01")]


def test_the_threshold_counts_business_hours_only(organization, client_company, recruiter, scan):
    # Friday 17:00 London: the business day ends at 17:30, so two business hours
    # end on Monday at 10:30.
    _role(
        organization,
        client_company,
        owner=recruiter,
        checkin_weekday=Weekday.FRIDAY,
        checkin_time=time(17, 0),
    )
    friday = datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
    scan(friday + timedelta(hours=6))
    scan(datetime(2026, 11, 30, 10, 29, tzinfo=UTC))
    assert _reminders(organization, ReminderKind.MISSED_CHECKIN) == []
    scan(datetime(2026, 11, 30, 10, 30, tzinfo=UTC))
    assert _reminders(organization, ReminderKind.MISSED_CHECKIN) == [
        (ReminderKind.MISSED_CHECKIN, "2026-11-27")
    ]


def test_without_a_linked_hiring_manager_only_the_recruiter_hears(
    organization, client_company, recruiter, hm_contact, scan
):
    _role(organization, client_company, owner=recruiter, hiring_manager=hm_contact)
    assert scan(TUESDAY_CHECKIN + timedelta(hours=3)) == 1
    assert [message.to for message in mail.outbox] == [[recruiter.user.email]]


def test_roles_without_an_agreement_in_force_or_not_open_are_not_reminded(
    organization, client_company, recruiter, scan
):
    RoleFactory(organization=organization, client=client_company, owner=recruiter)
    held = _role(organization, client_company, owner=recruiter)
    with organization_context(organization.id):
        Role.objects.filter(pk=held.pk).update(status="on_hold")
    assert scan(TUESDAY_CHECKIN + timedelta(days=2, hours=3)) == 0


# --- Behind target ----------------------------------------------------------------------------

THURSDAY_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # ISO week 48, London
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _submit(role, when):
    with time_machine.travel(when, tick=False):
        return SubmissionFactory(organization=role.organization, role=role)


@pytest.fixture
def target_role(organization, client_company, recruiter, linked_hm_contact):
    role = _role(
        organization,
        client_company,
        owner=recruiter,
        hiring_manager=linked_hm_contact,
        submissions_per_week=3,
    )
    # The weekly check-ins were held: only the target is under test here.
    for week in range(3):
        _log_checkin(role, recruiter, TUESDAY_CHECKIN + timedelta(days=7 * week, minutes=5))
    return role


def _behind(organization):
    return _reminders(organization, ReminderKind.BEHIND_TARGET)


def test_behind_target_is_reminded_once_a_week_from_thursday_noon(
    organization, target_role, recruiter, scan
):
    _submit(target_role, MONDAY - timedelta(days=3))  # the week before: not counted
    _submit(target_role, MONDAY)
    assert scan(THURSDAY_NOON - timedelta(minutes=1)) == 0

    assert scan(THURSDAY_NOON) == 1
    assert scan(THURSDAY_NOON + timedelta(hours=1)) == 0
    assert scan(THURSDAY_NOON + timedelta(days=1)) == 0  # Friday: same week

    assert _behind(organization) == [(ReminderKind.BEHIND_TARGET, "2026-W48")]
    assert [message.to for message in mail.outbox] == [[recruiter.user.email]]
    assert mail.outbox[0].subject == (
        f"Behind target: 1 of 3 candidates this week for {target_role.title}"
    )
    assert f"/roles/{target_role.public_id}/submit/" in mail.outbox[0].body
    with organization_context(organization.id):
        entry = Activity.objects.get(verb="reminder.behind_target")
        notified = list(Notification.objects.values_list("membership_id", flat=True))
    assert entry.role_id == target_role.pk
    assert entry.internal is True  # the agency's own shortfall
    assert entry.payload["submitted"] == 1
    assert notified == [recruiter.pk]

    # The next week is measured afresh.
    assert scan(THURSDAY_NOON + timedelta(days=7)) == 1
    assert _behind(organization)[-1] == (ReminderKind.BEHIND_TARGET, "2026-W49")


def test_on_target_there_is_no_reminder(organization, target_role, scan):
    for day in range(3):
        _submit(target_role, MONDAY + timedelta(days=day))
    assert scan(THURSDAY_NOON + timedelta(hours=2)) == 0
    assert _behind(organization) == []
    assert mail.outbox == []


def test_a_week_that_began_before_the_agreement_is_not_measured(
    organization, client_company, recruiter, scan
):
    _role(
        organization,
        client_company,
        owner=recruiter,
        agreed_at=datetime(2026, 11, 24, 15, tzinfo=UTC),  # Tuesday of week 48
        checkin_weekday=Weekday.FRIDAY,
    )
    assert scan(THURSDAY_NOON + timedelta(hours=1)) == 0
    assert _behind(organization) == []


def test_thursday_noon_is_the_clients(organization, recruiter, scan):
    tokyo = ClientFactory(organization=organization, timezone="Asia/Tokyo")
    _role(organization, tokyo, owner=recruiter, checkin_weekday=Weekday.SUNDAY)
    # Thursday 12:00 in Tokyo is 03:00 UTC.
    scan(datetime(2026, 11, 26, 2, 59, tzinfo=UTC))
    assert _behind(organization) == []
    scan(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    assert _behind(organization) == [(ReminderKind.BEHIND_TARGET, "2026-W48")]


def test_the_behind_target_entry_stays_off_the_clients_timeline(
    organization, target_role, recruiter, hiring_manager, client_for, scan
):
    scan(THURSDAY_NOON)
    path = f"/roles/{target_role.public_id}/"
    assert "candidates submitted this week" in client_for(recruiter).get(path).content.decode()
    assert "candidates submitted this week" not in (
        client_for(hiring_manager).get(path).content.decode()
    )


# --- Tenancy and concurrency -------------------------------------------------------------


def test_each_organization_is_scanned_in_its_own_context(
    organization, other_organization, role, outsider, scan
):
    theirs = _role(
        other_organization,
        ClientFactory(organization=other_organization),
        owner=outsider,
    )
    assert scan(TUESDAY_CHECKIN + timedelta(hours=3)) == 2
    assert _reminders(organization) == [(ReminderKind.MISSED_CHECKIN, "2026-11-24")]
    assert _reminders(other_organization) == [(ReminderKind.MISSED_CHECKIN, "2026-11-24")]
    with organization_context(other_organization.id):
        assert list(Reminder.objects.values_list("role_id", flat=True)) == [theirs.pk]
        assert list(Notification.objects.values_list("membership_id", flat=True)) == [outsider.pk]
    outsider_mail = [m for m in mail.outbox if m.to == [outsider.user.email]]
    assert len(outsider_mail) == 1
    assert role.title not in outsider_mail[0].body


def test_an_unsent_reminder_is_mailed_by_the_next_scan_to_whoever_was_missed(
    organization, role, recruiter, hiring_manager, scan, monkeypatch
):
    original = reminders.send_mail

    def fail_for_the_hiring_manager(name, context, *, to):
        if to == hiring_manager.user.email:
            raise OSError("mail server down")
        original(name, context, to=to)

    monkeypatch.setattr(reminders, "send_mail", fail_for_the_hiring_manager)
    assert scan(TUESDAY_CHECKIN + timedelta(hours=3)) == 1
    monkeypatch.setattr(reminders, "send_mail", original)
    assert scan(TUESDAY_CHECKIN + timedelta(hours=4)) == 0  # no new claim, the mail retried
    assert scan(TUESDAY_CHECKIN + timedelta(hours=5)) == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [recruiter.user.email, hiring_manager.user.email]
    )
    with organization_context(organization.id):
        assert Reminder.objects.get().sent_at is not None
        assert Notification.objects.count() == 2  # written once, with the claim


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_claim_and_mail_each_reminder_once(
    organization, client_company, recruiter, linked_hm_contact
):
    roles = [
        _role(organization, client_company, owner=recruiter, hiring_manager=linked_hm_contact)
        for _ in range(5)
    ]
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            reminders.reminders_scan(now=TUESDAY_CHECKIN + timedelta(hours=3))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with organization_context(organization.id):
        assert sorted(Reminder.objects.values_list("role_id", flat=True)) == sorted(
            role.pk for role in roles
        )
        assert Activity.objects.filter(verb="reminder.missed_checkin").count() == 5
        assert CheckIn.objects.count() == 0
    # Two recipients (the recruiter and the hiring manager) for each of five roles.
    assert len(mail.outbox) == 10
