"""The home page: what needs the member's attention, in a constant number of queries."""

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine

from activity.services import activity_record
from engagements.selectors import ATTENTION_PER_PAGE
from lib.tenancy import organization_context
from recruiting import services
from recruiting.selectors import CHANGES_PER_PAGE
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    ClientFactory,
    RoleFactory,
    UserFactory,
)

# Monday 09:00 in London; the clocks opened then are long overdue a week later.
LAST_MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
THIS_MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET_NOTE = "Recruiter-only: will walk if the offer is under 120k"
INTERNAL_ENTRY = "Internal: the candidate is interviewing at two rivals"


def _role(organization, client, title="Platform engineer"):
    role = RoleFactory(organization=organization, client=client, title=title)
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
    return role


def _submit(recruiter, role, name, *, notes=""):
    candidate = CandidateFactory(
        organization=role.organization, full_name=name, internal_notes=SECRET_NOTE
    )
    with organization_context(role.organization_id):
        return services.submission_create(
            actor=recruiter,
            role=role,
            candidate=candidate,
            pitch="Ships.",
            culture_fit_notes=notes,
        )


@pytest.fixture
def role(organization, client_company):
    return _role(organization, client_company)


def test_a_user_without_membership_is_told_so(client, db):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "You don't belong to an agency yet" in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_home_page_names_the_organization(client_for, recruiter):
    assert b"Northwind Talent" in client_for(recruiter).get("/").content


def test_recruiter_sees_overdue_clocks_first_then_those_due_soon(client_for, recruiter, role):
    with time_machine.travel(LAST_MONDAY, tick=False):
        overdue = _submit(recruiter, role, "Grace Hopper")
    with time_machine.travel(THIS_MONDAY, tick=False):
        _submit(recruiter, role, "Ada Lovelace", notes="Direct and kind.")
        response = client_for(recruiter).get("/")

    content = response.content.decode()
    assert content.index("Grace Hopper") < content.index("Ada Lovelace")
    assert "Overdue" in content
    assert "Due soon" in content
    # What is owed, by whom, for which role and client, and when in the client's time.
    assert "Skills review, owed by the hiring manager" in content
    assert "Culture-fit approval, owed by HR" in content
    assert "Platform engineer" in content
    assert "Acme Robotics" in content
    assert "Tue 17 Nov, 16:30 client time (Europe/London)" in content
    assert f"/submissions/{overdue.public_id}/" in content


def test_recruiter_sees_the_notes_hr_sent_back(client_for, recruiter, hr, role):
    submission = _submit(recruiter, role, "Grace Hopper", notes="Direct and kind.")
    with organization_context(role.organization_id):
        services.culture_approval_submit(
            actor=hr, submission=submission, decision="request_changes", comment="Be concrete."
        )

    content = client_for(recruiter).get("/").content.decode()

    section = content[content.index("Culture-fit notes HR sent back") :]
    assert "Grace Hopper" in section
    assert f"/submissions/{submission.public_id}/" in section


def test_hiring_manager_sees_their_queue_and_only_what_they_owe(
    client_for, organization, recruiter, hiring_manager, role
):
    with time_machine.travel(LAST_MONDAY, tick=False):
        _submit(recruiter, role, "Grace Hopper")
        _submit(recruiter, role, "Ada Lovelace", notes="Direct and kind.")
        other_role = _role(organization, ClientFactory(organization=organization, name="Globex"))
        _submit(recruiter, other_role, "Linus Torvalds")
    with time_machine.travel(THIS_MONDAY, tick=False):
        content = client_for(hiring_manager).get("/").content.decode()

    assert "Your review queue" in content
    assert "<strong>1</strong> candidate waiting for your skills review" in content
    assert "1 overdue" in content
    assert "/review-queue/" in content
    assert "Grace Hopper" in content
    # HR's pending approval is not the hiring manager's to chase; Globex is another client.
    assert "Ada Lovelace" not in content
    assert "Linus Torvalds" not in content
    assert SECRET_NOTE not in content


def test_hr_sees_the_approvals_count_and_link(client_for, recruiter, hr, role):
    _submit(recruiter, role, "Ada Lovelace", notes="Direct and kind.")
    _submit(recruiter, role, "Grace Hopper", notes="Calm.")

    content = client_for(hr).get("/").content.decode()

    assert "<strong>2</strong> sets of culture-fit notes waiting for your approval" in content
    assert "/approvals/" in content


def test_client_users_never_see_internal_entries_or_notes(
    client_for, recruiter, hiring_manager, hr, role
):
    submission = _submit(recruiter, role, "Grace Hopper")
    with organization_context(role.organization_id):
        activity_record(
            actor=recruiter,
            verb="submission.updated",
            submission=submission,
            summary=INTERNAL_ENTRY,
            internal=True,
        )

    assert INTERNAL_ENTRY in client_for(recruiter).get("/").content.decode()
    for member in (hiring_manager, hr):
        content = client_for(member).get("/").content.decode()
        assert INTERNAL_ENTRY not in content
        assert SECRET_NOTE not in content


def test_the_outsider_sees_nothing_of_ours(client_for, recruiter, outsider, role):
    _submit(recruiter, role, "Grace Hopper")

    content = client_for(outsider).get("/").content.decode()

    assert "Grace Hopper" not in content
    assert "Outsider Search" in content


def _link(content: str, label: str) -> str:
    return "/" + html.unescape(re.search(rf'href="([^"]+)">{label}</a>', content)[1])


def test_each_list_of_the_home_page_pages_on_its_own(client_for, recruiter, hr, role):
    # Eleven notes sent back; the others' approval clocks, 22, run overdue.
    count = ATTENTION_PER_PAGE + CHANGES_PER_PAGE + 3
    with time_machine.travel(LAST_MONDAY, tick=False):
        submissions = [
            _submit(recruiter, role, f"Candidate {number:02d}", notes="Kind.")
            for number in range(count)
        ]
        with organization_context(role.organization_id):
            for submission in submissions[: CHANGES_PER_PAGE + 1]:
                services.culture_approval_submit(
                    actor=hr, submission=submission, decision="request_changes", comment="More."
                )
    client = client_for(recruiter)

    with time_machine.travel(THIS_MONDAY, tick=False):
        first = client.get("/").content.decode()
        later_clocks = client.get(_link(first, "Later")).content.decode()
        more_notes = client.get(_link(first, "More")).content.decode()

    changes = '<span class="badge badge--warning">Changes requested</span>'
    overdue = 'class="attention-item attention-item--overdue"'
    assert first.count(changes) == CHANGES_PER_PAGE
    assert "changes_after=" in _link(first, "More")
    assert more_notes.count(changes) == 1
    assert later_clocks.count(overdue) == count - (CHANGES_PER_PAGE + 1) - ATTENTION_PER_PAGE
    assert later_clocks.count(changes) == CHANGES_PER_PAGE


# Home page queries for an agency member, whatever the data:
#   1 session, 2 user, 3 the user's memberships (tenant middleware),
#   4 a page of the open clocks due within 48 hours with submission, candidate, role
#     and client, 5 how many of them are overdue (capped),
#   6 a page of the submissions whose culture-fit notes HR sent back, with role and
#     candidate, 7 a page of those whose hiring manager asked for more information,
#   8 the ten newest activities with their actors,
#   9 the memberships for the organization switcher (base.html),
#   10 the unread notifications count (base.html).
HOME_QUERIES = 10


@pytest.mark.parametrize("count", [3, 40])
def test_home_query_count_stays_constant(
    client_for, recruiter, hr, role, django_assert_max_num_queries, count
):
    with time_machine.travel(LAST_MONDAY, tick=False):
        submissions = [
            _submit(recruiter, role, f"Candidate {number}", notes="Kind.")
            for number in range(count)
        ]
        with organization_context(role.organization_id):
            for submission in submissions[: count // 2]:
                services.culture_approval_submit(
                    actor=hr, submission=submission, decision="request_changes", comment="More."
                )
    client = client_for(recruiter)

    with time_machine.travel(THIS_MONDAY, tick=False), django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")

    content = response.content.decode()
    overdue = count - count // 2
    assert content.count('class="attention-item attention-item--overdue"') == min(
        overdue, ATTENTION_PER_PAGE
    )
    assert f"{overdue} overdue</span></h2>" in content
    assert content.count('<span class="badge badge--warning">Changes requested</span>') == min(
        count // 2, CHANGES_PER_PAGE
    )


# For a hiring manager: the middleware's three, the membership's client (page
# header), a page of the clocks they owe and how many are overdue (two), the review
# queue's counts (one), the agreement proposals waiting for them and how many (two),
# the switcher (one), the unread notifications count (one).
CLIENT_HOME_QUERIES = 11


@pytest.mark.parametrize("count", [3, 40])
def test_hiring_manager_home_query_count_stays_constant(
    client_for, recruiter, hiring_manager, role, django_assert_max_num_queries, count
):
    for number in range(count):
        _submit(recruiter, role, f"Candidate {number}")
    client = client_for(hiring_manager)

    with django_assert_max_num_queries(CLIENT_HOME_QUERIES):
        response = client.get("/")

    assert f"<strong>{count}</strong> candidates waiting" in response.content.decode()
