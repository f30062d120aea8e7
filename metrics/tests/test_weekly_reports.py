"""The client's weekly report: once per client and week, from Monday 08:00 in the
client's timezone, with the selectors' figures of last week and nothing of anyone else's."""

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from celery import current_app
from django.core import mail
from django.db import connection
from django.urls import reverse

from engagements.models import ActionLink
from lib.tenancy import organization_context
from metrics.models import WeeklyReport, WeeklyReportStatus
from metrics.selectors import MetricsFilter, Window, metrics_client_scorecards
from metrics.services import reports
from metrics.tasks import requeue_stale_weekly_reports, scan_weekly_reports
from metrics.tests.history import History, at
from recruiting.models import ContactKind
from tests.factories import ClientFactory, ContactFactory, MembershipFactory

# Monday 9 November 2026: London is on GMT (= UTC), Sydney on AEDT (UTC+11).
MONDAY_8AM_LONDON = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)
MONDAY_8AM_SYDNEY = datetime(2026, 11, 8, 21, 0, tzinfo=UTC)  # Sunday evening in UTC
LAST_WEEK = Window(date(2026, 11, 2), date(2026, 11, 9))
MINUTE = timedelta(minutes=1)


@pytest.fixture
def eager_tasks():
    """Tasks run where they are enqueued (Celery's own setting, put back afterwards)."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


@pytest.fixture
def run(eager_tasks, django_capture_on_commit_callbacks):
    """Run the quarter-hourly scan at a moment, with what it enqueues after commit."""

    def scan(when: datetime) -> int:
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return scan_weekly_reports()

    return scan


def _mail_to(email: str) -> list:
    return [message for message in mail.outbox if message.to == [email]]


def _linked(contact, member):
    """The contact signed up: their record is linked to the member's login."""
    with organization_context(contact.organization_id):
        contact.user = member.user
        contact.save(update_fields=["user"])
    return contact


@pytest.fixture
def busy_week(organization, client_company, recruiter, hiring_manager, hr, hm_contact, hr_contact):
    """Last week at the client, a week after the agreement came into force (so that last
    week has its targets): reviews on time, late and never, and a check-in."""
    history = History(
        organization=organization,
        client=client_company,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
        hr=hr,
        hm_contact=hm_contact,
        hr_contact=hr_contact,
        agreed_at=datetime(2026, 10, 26, 8, 0, tzinfo=UTC),
    )
    monday_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    on_time = history.submit(monday_10, name="Ada Lovelace")
    late = history.submit(monday_10 + MINUTE, name="Grace Hopper")
    history.submit(monday_10 + 2 * MINUTE, name="Alan Turing")  # never reviewed
    history.review(on_time, datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    history.review(late, datetime(2026, 11, 4, 12, 0, tzinfo=UTC))
    history.check_in(datetime(2026, 11, 5, 10, 0, tzinfo=UTC))
    return history


def test_the_report_carries_the_selectors_figures_and_a_link_per_overdue_item(
    run, organization, client_company, recruiter, hiring_manager, hm_contact, hr_contact, busy_week
):
    _linked(hm_contact, hiring_manager)

    assert run(MONDAY_8AM_LONDON) == 1

    with at(MONDAY_8AM_LONDON), organization_context(organization.id):
        expected = metrics_client_scorecards(
            membership=recruiter,
            window=LAST_WEEK,
            filters=MetricsFilter(client_id=client_company.pk),
        ).items[0]
    client_side, agency_side = expected.client_side, expected.agency_side
    # The figures are not empty, so that equality says something.
    # Ada's review was on time, Grace's late, Alan's never came; Ada's interview
    # feedback has been due since Thursday.
    assert (client_side.sla.counted, client_side.sla.on_time) == (4, 1)
    assert client_side.overdue_now == 2
    assert (agency_side.delivery.delivered, agency_side.delivery.target) == (3, 3.0)
    assert (agency_side.check_ins.held, agency_side.check_ins.expected) == (1, 1.0)

    (to_manager,) = _mail_to(hm_contact.email)
    (to_hr,) = _mail_to(hr_contact.email)
    assert len(mail.outbox) == 2
    assert to_manager.subject == (
        f"{client_company.name}: your week with {organization.name}, 2 Nov to 8 Nov 2026"
    )
    html = to_manager.alternatives[0][0]
    for body in (to_manager.body, html):
        assert f"{client_side.sla.compliance_pct}%" in body
        assert f"({client_side.sla.on_time} of {client_side.sla.counted} due)" in body
        median = client_side.time_to_feedback.business_hours.median
        assert f"{median:.1f} business hours" in body
        assert f"{agency_side.delivery.delivered}" in body
        assert f"{agency_side.delivery.delivered_pct}%" in body
        assert f"{agency_side.check_ins.on_cadence_pct}% on cadence" in body
        assert "Skills review for Alan Turing" in body
        assert "Interview feedback for Ada Lovelace" in body
        assert "Grace Hopper" not in body  # answered, and her interview is not yet due
        client_url = reverse("recruiting:client-detail", args=[client_company.public_id])
        assert client_url in body
    assert "Due last week and still unanswered: 2" in to_manager.body
    assert "OVERDUE NOW: 2" in to_manager.body

    # The member gets a one-click link per item; the contact without a login plain links.
    with organization_context(organization.id):
        links = list(ActionLink.objects.all())
    assert len(links) == 2
    assert {link.membership_id for link in links} == {hiring_manager.pk}
    assert {link.nudge_id for link in links} == {None}
    assert to_manager.body.count("/act/") == 2
    assert "/act/" not in to_hr.body
    for link in links:
        assert link.path in to_hr.body
    assert "Sign in to Rapport to open them." in to_hr.body

    with organization_context(organization.id):
        report = WeeklyReport.objects.get()
    assert (report.week, report.status, report.recipients) == (
        date(2026, 11, 9),
        WeeklyReportStatus.SENT,
        2,
    )


def test_a_client_in_sydney_gets_it_at_its_own_monday_8am(
    run, organization, client_company, hm_contact
):
    sydney = ClientFactory(
        organization=organization, name="Kookaburra", timezone="Australia/Sydney"
    )
    sydney_contact = ContactFactory(organization=organization, client=sydney, email="kim@kb.test")

    assert run(MONDAY_8AM_SYDNEY - MINUTE) == 0  # 07:59 on Monday in Sydney
    assert mail.outbox == []

    assert run(MONDAY_8AM_SYDNEY) == 1  # 08:00 in Sydney, Sunday 21:00 in London
    assert [message.to for message in mail.outbox] == [[sydney_contact.email]]
    assert "2 Nov to 8 Nov 2026" in mail.outbox[0].subject

    assert run(MONDAY_8AM_LONDON - MINUTE) == 0  # London's Monday is not at 08:00 yet
    assert run(MONDAY_8AM_LONDON) == 1
    assert len(_mail_to(hm_contact.email)) == 1
    assert len(_mail_to(sydney_contact.email)) == 1

    # The day after: the week is done for both; a day later still, nothing is caught up.
    assert run(MONDAY_8AM_LONDON + timedelta(hours=23)) == 0
    assert run(MONDAY_8AM_LONDON + timedelta(days=2)) == 0
    assert len(mail.outbox) == 2

    # Next Monday, next week's report.
    assert run(MONDAY_8AM_LONDON + timedelta(days=7)) == 2
    assert len(mail.outbox) == 4


def test_a_client_that_opted_out_gets_nothing(run, organization, client_company, hm_contact):
    with organization_context(organization.id):
        client_company.weekly_report = False
        client_company.save(update_fields=["weekly_report"])

    assert run(MONDAY_8AM_LONDON) == 0
    assert mail.outbox == []
    with organization_context(organization.id):
        assert not WeeklyReport.objects.exists()


def test_opting_out_between_claim_and_delivery_skips_the_report(
    organization, client_company, hm_contact, django_capture_on_commit_callbacks
):
    with at(MONDAY_8AM_LONDON), organization_context(organization.id):
        with django_capture_on_commit_callbacks(execute=False):  # the broker never sees it
            (report_id,) = reports.weekly_reports_claim_organization(
                organization_id=str(organization.id), now=MONDAY_8AM_LONDON
            )
        client_company.weekly_report = False
        client_company.save(update_fields=["weekly_report"])
        reports.weekly_report_deliver(report_id=report_id)
        assert WeeklyReport.objects.get().status == WeeklyReportStatus.SKIPPED
    assert mail.outbox == []


def test_duplicate_scans_and_duplicate_deliveries_send_once(
    run, organization, client_company, hm_contact, hr_contact, django_capture_on_commit_callbacks
):
    assert run(MONDAY_8AM_LONDON) == 1
    assert run(MONDAY_8AM_LONDON) == 0  # a second beat at the same moment
    assert run(MONDAY_8AM_LONDON + timedelta(minutes=15)) == 0  # the next run
    assert len(mail.outbox) == 2

    with at(MONDAY_8AM_LONDON), organization_context(organization.id):
        report = WeeklyReport.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            reports.weekly_report_deliver(report_id=report.pk)  # a duplicate message
    assert len(mail.outbox) == 2


def test_a_claim_the_broker_never_took_is_delivered_once_by_the_sweep(
    eager_tasks, organization, client_company, hm_contact, django_capture_on_commit_callbacks
):
    with (
        at(MONDAY_8AM_LONDON),
        organization_context(organization.id),
        django_capture_on_commit_callbacks(execute=False),  # claimed, never enqueued
    ):
        reports.weekly_reports_claim_organization(
            organization_id=str(organization.id), now=MONDAY_8AM_LONDON
        )
    with at(MONDAY_8AM_LONDON + MINUTE), django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_weekly_reports() == 1  # never enqueued: stale at once
    with (
        at(MONDAY_8AM_LONDON + timedelta(hours=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert requeue_stale_weekly_reports() == 0
    assert [message.to for message in mail.outbox] == [[hm_contact.email]]


def test_nothing_of_another_client_or_organization_is_in_the_report(
    run, organization, other_organization, client_company, hm_contact, busy_week
):
    # Another client of the agency and another agency, each with an overdue review.
    for agency, name in ((organization, "Globex"), (other_organization, "Initech")):
        client = ClientFactory(organization=agency, name=name)
        manager = MembershipFactory(organization=agency, role="hiring_manager", client=client)
        hr = MembershipFactory(organization=agency, role="hr", client=client)
        other = History(
            organization=agency,
            client=client,
            recruiter=MembershipFactory(organization=agency, role="recruiter"),
            hiring_manager=manager,
            hr=hr,
            hm_contact=ContactFactory(
                organization=agency, client=client, email=f"hm@{name.lower()}.test"
            ),
            hr_contact=ContactFactory(
                organization=agency, client=client, kind=ContactKind.HR, email=""
            ),
            agreed_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
        )
        for n in range(4):
            other.submit(datetime(2026, 11, 2, 11, n, tzinfo=UTC), name=f"{name} Candidate {n}")
        other.check_in(datetime(2026, 11, 6, 10, 0, tzinfo=UTC))

    assert run(MONDAY_8AM_LONDON) == 3  # one per client, in both organizations

    (ours,) = _mail_to(hm_contact.email)
    for body in (ours.body, ours.alternatives[0][0]):
        assert "Globex" not in body
        assert "Initech" not in body
    assert "OVERDUE NOW: 2" in ours.body
    assert "Candidates delivered: 3 against a target of 3 (100.0%)" in ours.body
    assert "Check-ins held: 1 of 1 expected (100.0% on cadence)" in ours.body
    (theirs,) = _mail_to("hm@initech.test")
    assert "Initech Candidate 0" in theirs.body
    assert client_company.name not in theirs.body
    assert "Alan Turing" not in theirs.body
    assert organization.name not in theirs.body
    assert "Candidates delivered: 4 " in theirs.body
    assert "Initech Candidate" not in ours.body


# --- Two scanners, two connections ---------------------------------------------------


def _race(work: Callable[[], object]) -> tuple:
    """Run `work` in two threads, each on its own database connection, started together."""
    start = threading.Barrier(2)
    results: list = [None, None]
    errors: list[BaseException] = []

    def worker(slot: int) -> None:
        try:
            start.wait()
            results[slot] = work()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results[0], results[1]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scanners_send_each_report_once(eager_tasks, organization):
    clients = [ClientFactory(organization=organization, name=f"Client {n}") for n in range(8)]
    for client in clients:
        ContactFactory(organization=organization, client=client, email=f"hm{client.pk}@c.test")
        ContactFactory(
            organization=organization,
            client=client,
            kind=ContactKind.HR,
            email=f"hr{client.pk}@c.test",
        )

    with time_machine.travel(MONDAY_8AM_LONDON, tick=False):
        first, second = _race(lambda: reports.weekly_reports_scan())

    assert sorted(first + second) == sorted(set(first + second))
    assert len(first + second) == len(clients)
    assert len(mail.outbox) == 2 * len(clients)
    assert len({tuple(message.to) for message in mail.outbox}) == 2 * len(clients)


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_report_send_it_once(organization, client_company):
    ContactFactory(organization=organization, client=client_company, email="hana@acme.test")
    with time_machine.travel(MONDAY_8AM_LONDON, tick=False):
        with organization_context(organization.id):
            report = WeeklyReport.objects.create(
                organization=organization, client=client_company, week=date(2026, 11, 9)
            )

        def deliver():
            with organization_context(organization.id):
                return reports.weekly_report_deliver(report_id=report.pk)

        _race(deliver)

    assert [message.to for message in mail.outbox] == [["hana@acme.test"]]


def test_the_preview_shows_the_latest_report_without_sending_or_minting_links(
    organization, client_company, recruiter, hiring_manager, hm_contact, busy_week, client_for
):
    _linked(hm_contact, hiring_manager)  # the sent report would mint them a link
    url = reverse("metrics:weekly-report-preview", args=[client_company.public_id])
    # Tuesday: the latest report is Monday's, of the week before.
    with at(MONDAY_8AM_LONDON + timedelta(days=1)):
        page = client_for(recruiter).get(url)
    assert page.status_code == 200
    text = page.context["preview"].mail.text
    assert page.context["preview"].week == date(2026, 11, 9)
    assert "Mon 2 Nov to Sun 8 Nov 2026" in text
    assert hm_contact.email in page.content.decode()
    assert "Alan Turing" in text  # never reviewed: overdue
    assert "Sign in to Rapport to open them." in text
    with organization_context(organization.id):
        assert not ActionLink.objects.exists()
        assert not WeeklyReport.objects.exists()
    assert mail.outbox == []


def test_the_preview_is_the_agencys_and_its_own_clients_only(
    organization, client_company, recruiter, hiring_manager, outsider, client_for
):
    url = reverse("metrics:weekly-report-preview", args=[client_company.public_id])
    assert client_for(recruiter).get(url).status_code == 200
    assert client_for(hiring_manager).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 404
    with organization_context(organization.id):
        off = ClientFactory(organization=organization, weekly_report=False)
    page = client_for(recruiter).get(reverse("metrics:weekly-report-preview", args=[off.public_id]))
    assert b"no report is sent" in page.content


@pytest.mark.parametrize("submissions", [1, 8])
def test_the_preview_makes_a_fixed_number_of_queries(
    submissions,
    organization,
    client_company,
    recruiter,
    busy_week,
    client_for,
    django_assert_max_num_queries,
):
    for n in range(submissions):  # more overdue items, the same queries
        busy_week.submit(datetime(2026, 11, 5, 9, n, tzinfo=UTC))
    browser = client_for(recruiter)
    url = reverse("metrics:weekly-report-preview", args=[client_company.public_id])
    # Session, user, membership; the client; its recipients; the overdue clocks; the
    # agency; the scorecard's count, page and figures; the navigation's switcher and
    # unread count.
    with at(MONDAY_8AM_LONDON + timedelta(days=1)), django_assert_max_num_queries(12):
        assert browser.get(url).status_code == 200
