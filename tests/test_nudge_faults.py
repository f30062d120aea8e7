"""Nudges are delivered exactly once through a killed worker and a broker outage,
with real Redis and real Celery worker processes."""

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitations_resend_unsent
from engagements.models import ClockKind, Nudge, NudgeDelivery, NudgeStatus
from engagements.services import clock_open, clocks_close, nudges
from lib.tenancy import organization_context
from tests.factories import ClientFactory, ContactFactory, RoleFactory, SubmissionFactory
from tests.workers import mail_files, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A Wednesday 10:00 in London; with a one-hour SLA the first level falls due at 11:00
# and the second a business day later. The scans run frozen at LEVEL_1_DUE, so exactly
# one level per clock is due whatever day the suite runs on.
OPENED = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LEVEL_1_DUE = OPENED + timedelta(hours=2)


def _scan_when_level_1_is_due() -> list[nudges.Claimed]:
    with time_machine.travel(LEVEL_1_DUE, tick=False):
        return nudges.nudges_scan()


@pytest.fixture
def due_clocks(organization):
    """Three overdue skills reviews, each owed by its own hiring manager contact."""
    client = ClientFactory(organization=organization, timezone="Europe/London")
    clocks = []
    for number in range(3):
        manager = ContactFactory(
            organization=organization, client=client, email=f"manager{number}@client.test"
        )
        role = RoleFactory(organization=organization, client=client, hiring_manager=manager)
        submission = SubmissionFactory(organization=organization, role=role)
        with organization_context(organization.id):
            clocks.append(
                clock_open(
                    submission=submission,
                    kind=ClockKind.HM_REVIEW,
                    sla_hours=1,
                    opened_at=OPENED,
                )
            )
    return clocks


def _nudge_states(organization) -> list[str]:
    with organization_context(organization.id):
        return sorted(Nudge.objects.values_list("status", flat=True))


def _recipients(folder) -> list[str]:
    return sorted(
        line.removeprefix("To: ").strip()
        for path in mail_files(folder)
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    )


class HangingSmtpServer:
    """Accepts connections and never answers: a delivery blocks mid-send."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port = self.socket.getsockname()[1]
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        for connection in self.connections:
            connection.close()
        self.socket.close()


def test_a_worker_killed_mid_delivery_leaves_the_nudge_for_the_sweeper_and_it_is_sent_once(
    organization, due_clocks, start_worker, tmp_path
):
    smtp = HangingSmtpServer()
    try:
        doomed = start_worker(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp.port),
        )
        claimed = _scan_when_level_1_is_due()
        assert len(claimed) == 3
        # The worker took a delivery and is stuck talking to the mail server.
        wait_until(lambda: smtp.connections, "the worker to start sending")
        doomed.kill()
    finally:
        smtp.close()

    assert _nudge_states(organization) == ["pending"] * 3
    with organization_context(organization.id):
        assert not NudgeDelivery.objects.filter(sent_at__isnull=False).exists()

    # The killed worker never acknowledged its task; the sweeper re-enqueues every
    # claimed nudge still pending after its grace period, and a fresh worker delivers
    # each once (the copies still queued from the first scan find them delivered).
    requeued = nudges.nudges_requeue_stale(now=timezone.now() + timedelta(minutes=10))
    assert requeued == 3
    start_worker()
    wait_until(
        lambda: _nudge_states(organization) == ["delivered"] * 3, "the deliveries after restart"
    )
    assert _recipients(tmp_path / "mail") == [
        "manager0@client.test",
        "manager1@client.test",
        "manager2@client.test",
    ]


def test_claims_made_while_the_broker_is_down_are_delivered_once_it_returns(
    organization, due_clocks, start_worker, tmp_path, broker_down
):
    claimed = _scan_when_level_1_is_due()

    assert len(claimed) == 3  # the claims are in the database
    assert _nudge_states(organization) == ["pending"] * 3
    with organization_context(organization.id):
        assert not Nudge.objects.filter(enqueued_at__isnull=False).exists()

    broker_down()  # the broker is back
    assert nudges.nudges_requeue_stale() == 3  # never enqueued: picked up at once
    start_worker()
    wait_until(
        lambda: _nudge_states(organization) == ["delivered"] * 3, "deliveries after the outage"
    )
    assert len(mail_files(tmp_path / "mail")) == 3
    # A second sweep finds nothing pending and sends nothing more.
    assert nudges.nudges_requeue_stale(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail_files(tmp_path / "mail")) == 3


def test_pages_that_enqueue_keep_working_while_the_broker_is_down(
    client_for, owner, broker_down, start_worker, tmp_path
):
    response = client_for(owner).post(
        "/settings/members/", {"email": "later@example.test", "role": "recruiter"}
    )

    assert response.status_code == 302
    assert client_for(owner).get("/readyz").status_code == 503
    with organization_context(owner.organization_id):
        assert Invitation.objects.get().email_sent_at is None

    broker_down()  # the broker is back: the sweeper sends what could not be enqueued
    start_worker()
    assert invitations_resend_unsent(now=timezone.now() + timedelta(minutes=5)) == 1
    wait_until(lambda: mail_files(tmp_path / "mail"), "the late invitation mail")
    assert _recipients(tmp_path / "mail") == ["later@example.test"]


def test_an_answer_between_claim_and_delivery_sends_nothing(
    organization, due_clocks, hiring_manager, monkeypatch, mailoutbox
):
    monkeypatch.setattr(nudges, "nudges_enqueue", lambda **kwargs: None)
    claimed = _scan_when_level_1_is_due()
    assert [claim.level for claim in claimed] == [1, 1, 1]
    with organization_context(organization.id):
        for clock in due_clocks:
            clocks_close(submission=clock.submission, by=hiring_manager)
        for claim in claimed:
            nudges.nudge_deliver(nudge_id=claim.nudge_id)
        statuses = set(Nudge.objects.values_list("status", flat=True))
    assert statuses == {NudgeStatus.SKIPPED}
    assert mailoutbox == []
