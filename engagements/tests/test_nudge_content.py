"""What a nudge says, end to end: claimed, delivered, and read in the mailbox.

A New York client, so every time in a mail is visibly the client's local time.
"""

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from activity.models import Activity
from engagements.models import ClockKind, Notification, Nudge, NudgeStatus
from engagements.services import clock_open, clocks_close
from engagements.services.nudges import nudge_claim, nudge_deliver
from lib.tenancy import organization_context
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    ContactFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
    UserFactory,
)

NEW_YORK = ZoneInfo("America/New_York")
# Monday 09:00 in New York; a 16-business-hour review (09:00-17:30) is due Tuesday 16:30.
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=NEW_YORK)
LEVEL_1_AT = datetime(2026, 11, 17, 17, 0, tzinfo=NEW_YORK)  # level 1: at the due time
LEVEL_2_AT = datetime(2026, 11, 18, 17, 0, tzinfo=NEW_YORK)  # one business day later
LEVEL_3_AT = datetime(2026, 11, 19, 17, 0, tzinfo=NEW_YORK)  # two business days later
OFFER_DEADLINE = datetime(2026, 11, 27, 17, 0, tzinfo=NEW_YORK)
SECRET_NOTE = "Recruiter-only: would take 10% less"
MARKET_NOTES = "Three other agencies are chasing the same people."
ACTION_URL = re.compile(r"https?://[^\s\"<]+/act/[\w-]+/")


def _world(organization, *, client_name, candidate_name, role_title, people):
    """A client with its HM, HR and escalation contacts (linked to their logins), an
    agreed role owned by a recruiter, and a candidate waiting for the skills review."""
    owner, recruiter, hiring_manager, hr = people
    client = ClientFactory(
        organization=organization, name=client_name, timezone="America/New_York", owner=owner
    )
    contact = {
        kind: ContactFactory(
            organization=organization,
            client=client,
            kind=kind,
            full_name=f"{name} of {client_name}",
            email=f"{kind}@{client_name.split()[0].lower()}.test",
            user=member.user if member else None,
        )
        for kind, name, member in [
            ("hiring_manager", "Hana", hiring_manager),
            ("hr", "Harriet", hr),
            ("other", "Eve", None),
        ]
    }
    role = RoleFactory(
        organization=organization,
        client=client,
        title=role_title,
        hiring_manager=contact["hiring_manager"],
        hr_contact=contact["hr"],
        owner=recruiter,
    )
    agreement = AgreementFactory(
        organization=organization,
        role=role,
        talent_scarcity="very_scarce",
        market_notes=MARKET_NOTES,
    )
    candidate = CandidateFactory(
        organization=organization,
        full_name=candidate_name,
        current_title="Senior data engineer",
        internal_notes=SECRET_NOTE,
    )
    submission = SubmissionFactory(
        organization=organization,
        role=role,
        candidate=candidate,
        competing_offer_deadline=OFFER_DEADLINE,
    )
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
        client.escalation_contact = contact["other"]
        client.save(update_fields=["escalation_contact"])
        return clock_open(
            submission=submission, kind=ClockKind.HM_REVIEW, sla_hours=16, opened_at=OPENED
        )


@pytest.fixture
def clock(organization, owner, recruiter, hiring_manager, hr):
    return _world(
        organization,
        client_name="Acme Robotics",
        candidate_name="Siobhán O'Brien",
        role_title="Staff data engineer",
        people=(owner, recruiter, hiring_manager, hr),
    )


def _claim(clock, at):
    with time_machine.travel(at, tick=False), organization_context(clock.organization_id):
        return nudge_claim(clock_id=clock.pk, now=timezone.now())


def _deliver(claimed, organization_id, at):
    with time_machine.travel(at, tick=False), organization_context(organization_id):
        return nudge_deliver(nudge_id=claimed.nudge_id)


def _send(clock, at):
    """Claim the clock's next level at `at` and deliver it."""
    claimed = _claim(clock, at)
    assert claimed is not None
    _deliver(claimed, clock.organization_id, at)
    return claimed


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# --- Level 1 -----------------------------------------------------------------------


def test_a_first_nudge_tells_the_hiring_manager_why_it_matters(clock):
    _send(clock, LEVEL_1_AT)

    [message] = mail.outbox
    assert message.to == ["hiring_manager@acme.test"]
    # Plain text is not HTML-escaped: the apostrophe stays an apostrophe.
    assert message.subject == "Siobhán O'Brien is waiting for you: the skills review is due"
    assert len(message.subject) <= 90
    text = message.body
    assert "Hello Hana of Acme Robotics," in text
    assert "A friendly reminder" in text
    assert "Siobhán O'Brien has waited 32 hours." in text
    assert "The agreed response time is 16 business hours" in text
    # Due and offer deadline in the client's own time.
    assert "due Tue 17 Nov 2026, 16:30 (America/New_York)" in text
    assert "has another offer until Fri 27 Nov 2026, 17:00 (America/New_York)" in text
    assert f"Talent market agreed at intake: Very scarce. {MARKET_NOTES}" in text
    assert "Siobhán O'Brien, Senior data engineer" in text
    assert "Put forward for Staff data engineer at Acme Robotics." in text
    assert "Review the candidate:" in text
    assert "works once and expires in 7 days" in text
    assert "after signing in" in text
    assert "&#x27;" not in text
    assert SECRET_NOTE not in text


def test_the_html_part_says_the_same_with_one_button(clock):
    _send(clock, LEVEL_1_AT)

    [message] = mail.outbox
    html = _html(message)
    assert "Siobhán O&#x27;Brien" in html  # escaped in HTML
    assert "<strong>32 hours</strong>" in html
    assert "<strong>16 business hours</strong>" in html
    assert "Tue 17 Nov 2026, 16:30</strong> (America/New_York)" in html
    assert "has another offer until Fri 27 Nov 2026, 17:00</strong>" in html
    assert "<strong>Very scarce</strong>" in html
    assert MARKET_NOTES in html
    assert ">Review the candidate</a>" in html
    assert "works once and expires in 7 days" in html
    # No remote content: nothing to fetch, nothing to track.
    assert "<img" not in html
    assert SECRET_NOTE not in html


def test_both_parts_carry_the_same_one_click_link_which_opens_the_review(
    clock, client_for, hiring_manager
):
    _send(clock, LEVEL_1_AT)

    [message] = mail.outbox
    [text_url] = set(ACTION_URL.findall(message.body))
    [html_url] = set(ACTION_URL.findall(_html(message)))
    assert text_url == html_url
    path = "/" + text_url.split("/", 3)[3]
    with time_machine.travel(LEVEL_1_AT, tick=False):
        response = client_for(hiring_manager).get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{clock.submission.public_id}/"


def test_the_member_also_gets_an_in_app_notification(clock, organization, hiring_manager):
    _send(clock, LEVEL_1_AT)

    with organization_context(organization.id):
        [notification] = Notification.objects.all()
    assert notification.membership_id == hiring_manager.pk
    assert notification.title == "Siobhán O'Brien is waiting for you: the skills review is due"
    assert notification.url == f"/submissions/{clock.submission.public_id}/"
    assert notification.read_at is None


def test_a_subject_stays_short_whatever_the_names(
    organization, owner, recruiter, hiring_manager, hr
):
    clock = _world(
        organization,
        client_name="Initech",
        candidate_name="Maximiliana Alexandrina von Hohenberg-Wittelsbach-Castellane",
        role_title="Principal engineer",
        people=(owner, recruiter, hiring_manager, hr),
    )
    _send(clock, LEVEL_1_AT)

    [message] = mail.outbox
    assert len(message.subject) <= 90
    assert message.subject.startswith("Maximiliana Alexandrina von Hohenberg")


# --- Level 2 and 3 ------------------------------------------------------------------


def test_a_second_nudge_is_firmer_and_copies_the_counterpart_and_recruiter(clock, recruiter):
    _send(clock, LEVEL_1_AT)
    mail.outbox.clear()

    _send(clock, LEVEL_2_AT)

    recipients = Counter(address for message in mail.outbox for address in message.to)
    assert recipients == Counter(
        {"hiring_manager@acme.test": 1, "hr@acme.test": 1, recruiter.user.email: 1}
    )
    for message in mail.outbox:
        assert message.subject == (
            "Overdue: Siobhán O'Brien has waited 2 days for the skills review"
        )
        assert "is overdue: it was due Tue 17 Nov 2026, 16:30 (America/New_York)" in message.body
        assert "Please answer today" in message.body
        assert "Copied on this reminder" in message.body
        assert "- Harriet of Acme Robotics (HR at Acme Robotics)" in message.body
        assert f"- {recruiter.user.get_full_name()} (recruiter at Northwind Talent)" in (
            message.body
        )
        assert "Harriet of Acme Robotics (HR at Acme Robotics)" in _html(message)


def test_a_third_nudge_escalates_to_the_relationship_owner_and_escalation_contact(clock, owner):
    _send(clock, LEVEL_1_AT)
    _send(clock, LEVEL_2_AT)
    mail.outbox.clear()

    _send(clock, LEVEL_3_AT)

    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [owner.user.email, "other@acme.test"]
    )
    for message in mail.outbox:
        assert message.subject.startswith("Escalation: the skills review for Siobhán O'Brien")
        assert "We are escalating" in message.body
        assert "earlier reminders to Hana of Acme Robotics have not been answered" in (message.body)
        assert "This escalation goes to:" in message.body
        assert "- Eve of Acme Robotics (Acme Robotics)" in message.body
        assert "We are escalating" in _html(message)


# --- Delivery rules ----------------------------------------------------------------


def test_a_clock_answered_between_claim_and_delivery_sends_nothing(
    clock, organization, hiring_manager
):
    claimed = _claim(clock, LEVEL_1_AT)
    with organization_context(organization.id):
        clocks_close(submission=clock.submission, by=hiring_manager)

    _deliver(claimed, organization.id, LEVEL_1_AT)

    assert mail.outbox == []
    with organization_context(organization.id):
        assert Nudge.objects.get(pk=claimed.nudge_id).status == NudgeStatus.SKIPPED
        assert not Notification.objects.exists()


def test_a_level_with_no_one_to_tell_is_skipped_not_delivered_once_the_clock_is_answered(
    organization, hiring_manager
):
    # No escalation contact and no relationship owner: level 3 has no recipient.
    client = ClientFactory(organization=organization, timezone="America/New_York", owner=None)
    role = RoleFactory(organization=organization, client=client)
    with organization_context(organization.id):
        lonely = clock_open(
            submission=SubmissionFactory(organization=organization, role=role),
            kind=ClockKind.HM_REVIEW,
            sla_hours=16,
            opened_at=OPENED,
        )
    for at in (LEVEL_1_AT, LEVEL_2_AT):
        _claim(lonely, at)
    level_3 = _claim(lonely, LEVEL_3_AT)
    assert level_3.level == 3
    with organization_context(organization.id):
        clocks_close(submission=lonely.submission, by=hiring_manager)

    _deliver(level_3, organization.id, LEVEL_3_AT)

    with organization_context(organization.id):
        assert Nudge.objects.get(pk=level_3.nudge_id).status == NudgeStatus.SKIPPED
        assert not Activity.objects.filter(verb="nudge.sent").exists()


def test_delivering_twice_sends_once(clock, organization):
    claimed = _claim(clock, LEVEL_1_AT)

    _deliver(claimed, organization.id, LEVEL_1_AT)
    _deliver(claimed, organization.id, LEVEL_1_AT)

    assert len(mail.outbox) == 1
    with organization_context(organization.id):
        assert Nudge.objects.get(pk=claimed.nudge_id).status == NudgeStatus.DELIVERED
        assert Notification.objects.count() == 1


def test_every_nudge_is_on_the_submissions_timeline(clock, organization):
    _send(clock, LEVEL_1_AT)
    _send(clock, LEVEL_2_AT)

    with organization_context(organization.id):
        entries = list(
            Activity.objects.filter(submission=clock.submission, verb="nudge.sent")
            .order_by("created_at")
            .values_list("summary", "payload")
        )
    assert entries == [
        (
            "Level 1 nudge sent: skills review for Siobhán O'Brien",
            {"level": 1, "clock": "hm_review"},
        ),
        (
            "Level 2 nudge sent: skills review for Siobhán O'Brien",
            {"level": 2, "clock": "hm_review"},
        ),
    ]


# --- Tenancy -----------------------------------------------------------------------


def test_no_mail_or_notification_names_another_organizations_data(
    clock, organization, other_organization
):
    people = [
        MembershipFactory(
            organization=other_organization,
            role=role,
            user=UserFactory(email=f"{role}@outsider.test", full_name=f"Outsider {role}"),
        )
        for role in ("owner", "recruiter", "hiring_manager", "hr")
    ]
    theirs = _world(
        other_organization,
        client_name="Globex Corporation",
        candidate_name="Gordon Freeman",
        role_title="Theoretical physicist",
        people=tuple(people),
    )
    for at in (LEVEL_1_AT, LEVEL_2_AT, LEVEL_3_AT):
        _send(clock, at)
        _send(theirs, at)

    ours = [m for m in mail.outbox if m.to[0].endswith(("acme.test", "northwind.test"))]
    others = [m for m in mail.outbox if m not in ours]
    assert len(ours) == len(others) == 6
    their_names = [
        "Globex",
        "Gordon Freeman",
        "Theoretical physicist",
        "Outsider",
        "Outsider Search",
    ]
    our_names = ["Acme", "Siobhán", "Staff data engineer", "Northwind"]
    for message in ours:
        content = message.subject + message.body + _html(message)
        assert not [name for name in their_names if name in content]
    for message in others:
        content = message.subject + message.body + _html(message)
        assert not [name for name in our_names if name in content]
        assert "Outsider Search" in content
    with organization_context(organization.id):
        notes = list(Notification.objects.values_list("title", "body"))
    assert notes
    assert not [name for title, body in notes for name in their_names if name in title + body]
