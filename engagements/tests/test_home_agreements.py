"""The hiring manager's and HR's home page and digest say which agreement proposals
wait for their acknowledgement, until they have given it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from engagements.tasks import send_daily_digests
from intake import services as intake_services
from intake.models import AgreementStatus
from intake.selectors import AWAITING_CAP, AWAITING_SHOWN
from lib.tenancy import organization_context
from tests.factories import AgreementFactory, ClientFactory, RoleFactory

# A Wednesday in London (GMT in November): the digest goes out from 08:00.
WEDNESDAY = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)


@pytest.fixture
def role(organization, client_company, hm_contact, hr_contact):
    return RoleFactory(
        organization=organization,
        client=client_company,
        title="Staff backend engineer",
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
    )


@pytest.fixture
def proposal(organization, role):
    """Version 2 proposed, version 1 in force."""
    AgreementFactory(organization=organization, role=role, version=1)
    return AgreementFactory(
        organization=organization,
        role=role,
        version=2,
        status=AgreementStatus.PROPOSED,
        hm_review_sla_hours=24,
    )


def _notice(content: str) -> str:
    start = content.find('aria-labelledby="agreements-heading"')
    return content[start : content.index("</section>", start)] if start >= 0 else ""


@pytest.mark.parametrize("reader", ["hiring_manager", "hr"])
def test_hm_and_hr_are_told_a_proposal_waits_for_them_with_links_to_it_and_its_changes(
    client_for, request, role, proposal, reader
):
    content = client_for(request.getfixturevalue(reader)).get("/").content.decode()

    notice = _notice(content)
    assert 'Agreements waiting for you <span class="badge badge--warning">1</span>' in notice
    assert f'href="/roles/{role.public_id}/agreement/#version-2"' in notice
    assert f'href="/roles/{role.public_id}/agreement/changes/?old=1&amp;new=2"' in notice


def test_the_notice_goes_once_the_members_side_has_acknowledged(
    client_for, hiring_manager, hr, proposal
):
    with organization_context(proposal.organization_id):
        intake_services.agreement_acknowledge(actor=hiring_manager, agreement=proposal)

    assert _notice(client_for(hiring_manager).get("/").content.decode()) == ""
    # HR has not acknowledged: the proposal still waits for them.
    assert "Staff backend engineer: version 2" in _notice(client_for(hr).get("/").content.decode())


def test_the_agency_and_another_clients_users_are_not_told(
    client_for, organization, recruiter, owner, proposal
):
    from tests.factories import MembershipFactory

    elsewhere = MembershipFactory(
        organization=organization,
        role="hiring_manager",
        client=ClientFactory(organization=organization),
    )
    for member in (recruiter, owner, elsewhere):
        assert _notice(client_for(member).get("/").content.decode()) == "", member.role


def test_another_organizations_proposals_are_never_counted(
    client_for, other_organization, hiring_manager
):
    theirs = RoleFactory(organization=other_organization)
    AgreementFactory(organization=other_organization, role=theirs, status="proposed")

    assert _notice(client_for(hiring_manager).get("/").content.decode()) == ""


def test_many_proposals_show_a_capped_count_and_the_first_few(
    client_for, organization, client_company, hiring_manager, django_assert_max_num_queries
):
    for number in range(AWAITING_CAP + 3):
        AgreementFactory(
            organization=organization,
            role=RoleFactory(organization=organization, client=client_company, title=f"R{number}"),
            version=1,
            status=AgreementStatus.PROPOSED,
        )
    client = client_for(hiring_manager)

    with django_assert_max_num_queries(11):
        notice = _notice(client.get("/").content.decode())

    assert f'<span class="badge badge--warning">{AWAITING_CAP}+</span>' in notice
    assert notice.count('class="attention-item"') == AWAITING_SHOWN
    assert f"The {AWAITING_SHOWN} waiting longest are shown" in notice


# --- The digest --------------------------------------------------------------------


def _run(when, capture):
    with time_machine.travel(when, tick=False), capture(execute=True):
        return send_daily_digests()


def test_the_digest_lists_the_proposals_waiting_even_when_nothing_is_overdue(
    organization, role, proposal, hiring_manager, recruiter, django_capture_on_commit_callbacks
):
    _run(WEDNESDAY + timedelta(hours=8), django_capture_on_commit_callbacks)

    [message] = [m for m in mail.outbox if m.to == [hiring_manager.user.email]]
    assert message.subject == "1 agreement to acknowledge: your Rapport digest for Wed 25 Nov"
    assert "AGREEMENTS WAITING FOR YOUR ACKNOWLEDGEMENT (1)" in message.body
    assert "- Staff backend engineer: version 2, proposed" in message.body
    assert f"/roles/{role.public_id}/agreement/#version-2" in message.body
    html = message.alternatives[0][0]
    assert (
        f'/roles/{role.public_id}/agreement/#version-2">Staff backend engineer: version 2</a>'
        in (html)
    )
    # The agency acknowledges nothing, and has nothing overdue: no digest.
    assert not [m for m in mail.outbox if m.to == [recruiter.user.email]]


def test_once_acknowledged_the_next_days_digest_is_not_sent_for_it(
    organization, proposal, hiring_manager, django_capture_on_commit_callbacks
):
    with organization_context(organization.id):
        intake_services.agreement_acknowledge(actor=hiring_manager, agreement=proposal)

    _run(WEDNESDAY + timedelta(hours=8), django_capture_on_commit_callbacks)

    assert not [m for m in mail.outbox if m.to == [hiring_manager.user.email]]
