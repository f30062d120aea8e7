"""The daily digest: once per member per local day, after 08:00 in their timezone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from accounts.selectors import all_organization_ids
from engagements.models import ClockKind, DigestLog
from engagements.services import clock_open
from engagements.tasks import send_daily_digests
from lib.tenancy import organization_context
from tests.factories import (
    CandidateFactory,
    ClientFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
    UserFactory,
)

# London is on GMT (= UTC) in November; the organization and its client are in London.
WEDNESDAY = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
MONDAY_10AM = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _clock(organization, client, candidate_name, *, opened_at, sla_hours, kind=ClockKind.HM_REVIEW):
    role = RoleFactory(organization=organization, client=client)
    submission = SubmissionFactory(
        organization=organization,
        role=role,
        candidate=CandidateFactory(organization=organization, full_name=candidate_name),
    )
    with organization_context(organization.id):
        return clock_open(
            submission=submission, kind=kind, sla_hours=sla_hours, opened_at=opened_at
        )


def _overdue(organization, client, name, **kwargs):
    # Due Monday 12:00: overdue by Wednesday.
    return _clock(organization, client, name, opened_at=MONDAY_10AM, sla_hours=2, **kwargs)


def _due_soon(organization, client, name, **kwargs):
    # Opened Tuesday 16:00, 8 business hours: due Wednesday 15:30.
    opened = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)
    return _clock(organization, client, name, opened_at=opened, sla_hours=8, **kwargs)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the quarter-hourly task at a moment, sending what it sends after commit."""

    def at(when: datetime) -> int:
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return send_daily_digests()

    return at


def _mail_to(member):
    return [message for message in mail.outbox if message.to == [member.user.email]]


def test_one_digest_a_day_from_8am_in_the_members_timezone(
    organization, client_company, recruiter, run
):
    _overdue(organization, client_company, "Ada Lovelace")

    assert run(WEDNESDAY + timedelta(hours=7, minutes=59)) == 0
    assert mail.outbox == []

    assert run(WEDNESDAY + timedelta(hours=8)) == 1
    assert run(WEDNESDAY + timedelta(hours=8, minutes=15)) == 0  # the next run
    assert run(WEDNESDAY + timedelta(hours=23, minutes=45)) == 0
    assert len(_mail_to(recruiter)) == 1

    assert run(WEDNESDAY + timedelta(days=1, hours=8, minutes=1)) == 1  # Thursday
    assert len(_mail_to(recruiter)) == 2
    with organization_context(organization.id):
        days = sorted(DigestLog.objects.values_list("local_date", flat=True))
    assert [day.isoformat() for day in days] == ["2026-11-25", "2026-11-26"]


def test_running_the_task_twice_sends_one_mail(organization, client_company, recruiter, run):
    _overdue(organization, client_company, "Ada Lovelace")
    moment = WEDNESDAY + timedelta(hours=9)
    run(moment)
    run(moment)
    assert len(mail.outbox) == 1


def test_client_users_get_theirs_at_8am_in_their_clients_timezone(organization, recruiter, run):
    new_york = ClientFactory(organization=organization, timezone="America/New_York")
    manager = MembershipFactory(
        organization=organization,
        role="hiring_manager",
        client=new_york,
        user=UserFactory(email="hm@newyork.test"),
    )
    _overdue(organization, new_york, "Grace Hopper")

    run(WEDNESDAY + timedelta(hours=9))  # 09:00 London, 04:00 New York
    assert len(_mail_to(recruiter)) == 1
    assert _mail_to(manager) == []

    run(WEDNESDAY + timedelta(hours=12, minutes=59))  # 07:59 in New York
    assert _mail_to(manager) == []
    run(WEDNESDAY + timedelta(hours=13))  # 08:00 in New York
    assert len(_mail_to(manager)) == 1
    assert "Grace Hopper" in _mail_to(manager)[0].body


def test_the_digest_lists_overdue_items_before_those_due_soon(
    organization, client_company, recruiter, run
):
    _due_soon(organization, client_company, "Barbara Liskov")
    _overdue(organization, client_company, "Ada Lovelace")
    _due_soon(organization, client_company, "Claude Shannon", kind=ClockKind.HR_APPROVAL)

    run(WEDNESDAY + timedelta(hours=8, minutes=5))

    (message,) = _mail_to(recruiter)
    assert message.subject == "1 overdue, 2 due soon: your Rapport digest for Wed 25 Nov"
    body = message.body
    assert body.index("OVERDUE") < body.index("Ada Lovelace") < body.index("DUE IN THE NEXT")
    assert body.index("DUE IN THE NEXT") < body.index("Barbara Liskov")
    assert "was due Mon 23 Nov, 12:00" in body
    assert "due Wed 25 Nov, 15:30" in body
    html = message.alternatives[0][0]
    assert html.index("Ada Lovelace") < html.index("Barbara Liskov")


def test_a_day_with_nothing_to_report_sends_nothing_but_is_recorded(
    organization, client_company, recruiter, run
):
    # Due next week: beyond the 48-hour horizon.
    _clock(organization, client_company, "Ada Lovelace", opened_at=WEDNESDAY, sla_hours=40)
    assert run(WEDNESDAY + timedelta(hours=8)) == 0
    assert mail.outbox == []
    with organization_context(organization.id):
        assert DigestLog.objects.filter(membership=recruiter).count() == 1
    # Something overdue later that day waits for tomorrow's digest.
    _overdue(organization, client_company, "Grace Hopper")
    assert run(WEDNESDAY + timedelta(hours=10)) == 0
    assert run(WEDNESDAY + timedelta(days=1, hours=8)) == 1


def test_hiring_managers_and_hr_hear_only_about_what_they_owe(
    organization, client_company, hiring_manager, hr, run
):
    _overdue(organization, client_company, "Ada Lovelace")  # the hiring manager's review
    _overdue(organization, client_company, "Grace Hopper", kind=ClockKind.HR_APPROVAL)
    other_client = ClientFactory(organization=organization)
    _overdue(organization, other_client, "Alan Turing")

    run(WEDNESDAY + timedelta(hours=8))

    (to_manager,) = _mail_to(hiring_manager)
    (to_hr,) = _mail_to(hr)
    assert "Ada Lovelace" in to_manager.body
    assert "Grace Hopper" not in to_manager.body
    assert "Grace Hopper" in to_hr.body
    assert "Ada Lovelace" not in to_hr.body
    assert "Alan Turing" not in to_manager.body + to_hr.body


def test_a_digest_never_lists_another_organizations_items(
    organization, other_organization, client_company, recruiter, outsider, run
):
    _overdue(organization, client_company, "Ada Lovelace")
    _overdue(other_organization, ClientFactory(organization=other_organization), "Alan Turing")

    assert run(WEDNESDAY + timedelta(hours=9)) == 2

    (ours,) = _mail_to(recruiter)
    (theirs,) = _mail_to(outsider)
    assert "Ada Lovelace" in ours.body
    assert "Alan Turing" not in ours.body + ours.alternatives[0][0]
    assert "Alan Turing" in theirs.body
    assert "Ada Lovelace" not in theirs.body + theirs.alternatives[0][0]
    with organization_context(other_organization.id):
        assert list(DigestLog.objects.values_list("membership_id", flat=True)) == [outsider.pk]


def test_the_scan_lists_organizations_through_identifiers_only(organization, other_organization):
    ids = all_organization_ids()
    assert {str(organization.id), str(other_organization.id)} <= set(ids)


def test_inactive_users_get_no_digest(organization, client_company, recruiter, run):
    _overdue(organization, client_company, "Ada Lovelace")
    recruiter.user.is_active = False
    recruiter.user.save(update_fields=["is_active"])
    assert run(WEDNESDAY + timedelta(hours=9)) == 0
    assert mail.outbox == []
