"""A nudge's one-click link: once, before it expires, only for the member it was sent to."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from engagements.models import ActionLink, ClockKind, Nudge
from engagements.services import clock_open, nudges
from engagements.services.nudges import action_link_create, nudge_claim
from lib.tenancy import organization_context
from tests.factories import (
    ClientFactory,
    MembershipFactory,
    OrganizationFactory,
    RoleFactory,
    SubmissionFactory,
)


def _nudge(organization, client):
    """A claimed level-1 nudge on a skills review that is already due."""
    submission = SubmissionFactory(
        organization=organization, role=RoleFactory(organization=organization, client=client)
    )
    with organization_context(organization.id):
        clock = clock_open(
            submission=submission,
            kind=ClockKind.HM_REVIEW,
            sla_hours=1,
            opened_at=timezone.now() - timedelta(days=3),
        )
        # Claimed when it fell due (a business moment): level 1, whenever the test runs.
        claimed = nudge_claim(clock_id=clock.pk, now=clock.due_at)
        return Nudge.objects.select_related("clock__submission").get(pk=claimed.nudge_id)


def _link(nudge, membership) -> str:
    """The link's path (`/act/<token>/`), as the nudge mail carries it."""
    with organization_context(nudge.organization_id):
        return action_link_create(nudge=nudge, membership=membership, path=_target(nudge))


def _target(nudge) -> str:
    return f"/submissions/{nudge.clock.submission.public_id}/"


def _stored(organization):
    with organization_context(organization.id):
        return ActionLink.objects.get()


@pytest.fixture
def nudge(organization, client_company):
    return _nudge(organization, client_company)


def test_a_link_opens_the_action_once(client_for, organization, hiring_manager, nudge):
    url = _link(nudge, hiring_manager)
    client = client_for(hiring_manager)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == _target(nudge)
    assert _stored(organization).used_at is not None
    assert client.get(_target(nudge)).status_code == 200

    again = client.get(url)
    assert again.status_code == 410
    assert "This link was already used." in again.content.decode()


def test_a_link_expires_after_seven_days(client_for, organization, hiring_manager, nudge):
    url = _link(nudge, hiring_manager)

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client_for(hiring_manager).get(url)

    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    assert _stored(organization).used_at is None


def test_another_member_of_the_organization_gets_404_and_the_link_stays_usable(
    client_for, organization, hiring_manager, hr, recruiter, nudge
):
    url = _link(nudge, hiring_manager)

    for someone in (hr, recruiter):
        response = client_for(someone).get(url)
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert _stored(organization).used_at is None
    assert client_for(hiring_manager).get(url).status_code == 302


def test_someone_of_another_organization_gets_404(
    client_for, organization, hiring_manager, outsider, nudge
):
    url = _link(nudge, hiring_manager)

    response = client_for(outsider).get(url)

    assert response.status_code == 404
    assert _stored(organization).used_at is None


def test_an_unknown_or_tampered_token_is_404(client_for, hiring_manager, nudge):
    url = _link(nudge, hiring_manager)
    client = client_for(hiring_manager)

    assert client.get("/act/not-a-token/").status_code == 404
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_signed_out_the_link_asks_to_sign_in_first_then_works(
    client, organization, hiring_manager, nudge
):
    url = _link(nudge, hiring_manager)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert _stored(organization).used_at is None  # a mail scanner's visit spends nothing

    client.force_login(hiring_manager.user)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == _target(nudge)


def test_a_link_of_another_of_my_organizations_switches_to_it(
    client_for, organization, hiring_manager, nudge
):
    """An HM who works with two agencies, the other one active, opens our link."""
    elsewhere = OrganizationFactory(name="Second Agency")
    other_membership = MembershipFactory(
        organization=elsewhere,
        user=hiring_manager.user,
        role="hiring_manager",
        client=ClientFactory(organization=elsewhere),
    )
    url = _link(nudge, hiring_manager)
    client = client_for(other_membership)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == _target(nudge)
    assert client.session[ACTIVE_ORGANIZATION_SESSION_KEY] == str(organization.id)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "You are now working in Northwind Talent." in page.content.decode()


def test_the_outsider_cannot_use_a_link_of_their_own_organization_for_ours(
    client_for, other_organization, outsider, hiring_manager, nudge
):
    """A link is bound to its organization: the outsider's own valid link opens only
    what it was created for, and ours stays unreachable to them."""
    theirs = _nudge(other_organization, ClientFactory(organization=other_organization))
    their_url = _link(theirs, outsider)
    our_url = _link(nudge, hiring_manager)
    client = client_for(outsider)

    assert client.get(our_url).status_code == 404
    response = client.get(their_url)
    assert response.status_code == 302
    assert response["Location"] == _target(theirs)


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_open_the_action_once(
    client_for, organization, client_company, hiring_manager, monkeypatch
):
    """Two tabs (or a double click) race: the conditional update lets one through."""
    monkeypatch.setattr(nudges, "nudges_enqueue", lambda **kwargs: None)  # no broker here
    url = _link(_nudge(organization, client_company), hiring_manager)
    clients = [client_for(hiring_manager) for _ in range(2)]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def click(client) -> None:
        try:
            start.wait()
            statuses.append(client.get(url).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [302, 410]
