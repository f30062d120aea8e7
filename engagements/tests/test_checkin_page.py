"""The "log a check-in" page: agency only, 404 across organizations and clients."""

from datetime import UTC, datetime, time

import pytest
import time_machine

from activity.models import Activity
from engagements.models import CheckIn
from intake.models import Cadence, Weekday
from lib.tenancy import organization_context
from recruiting.models import Role
from tests.factories import AgreementFactory, ClientFactory, MembershipFactory, RoleFactory

NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # Wednesday, 14:00 in London


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def role(organization, client_company, recruiter):
    role = RoleFactory(organization=organization, client=client_company, owner=recruiter)
    agreement = AgreementFactory(
        organization=organization,
        role=role,
        checkin_cadence=Cadence.WEEKLY,
        checkin_weekday=Weekday.TUESDAY,
        checkin_time=time(10, 0),
        agreed_at=datetime(2026, 11, 2, tzinfo=UTC),
    )
    with organization_context(organization.id):
        Role.objects.filter(pk=role.pk).update(agreement=agreement)
    return role


def _url(role):
    return f"/roles/{role.public_id}/check-ins/new/"


def _check_ins(organization):
    with organization_context(organization.id):
        return list(CheckIn.objects.values_list("held_at", "notes", "logged_by_id"))


def test_the_recruiter_sees_the_cadence_and_the_next_check_in(role, recruiter, client_for):
    response = client_for(recruiter).get(_url(role))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Weekly on Tuesday at 10:00 (Europe/London)" in page
    assert "Tue 1 Dec, 10:00" in page
    assert "No check-in logged yet." in page


def test_the_recruiter_logs_a_check_in(organization, role, recruiter, client_for):
    response = client_for(recruiter).post(
        _url(role), {"held_at": "2026-11-24T10:05", "notes": "Two more profiles wanted."}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/roles/{role.public_id}/"
    assert _check_ins(organization) == [
        (datetime(2026, 11, 24, 10, 5, tzinfo=UTC), "Two more profiles wanted.", recruiter.pk)
    ]
    with organization_context(organization.id):
        entry = Activity.objects.get(verb="checkin.logged")
    assert entry.role_id == role.pk
    assert entry.summary == f"Check-in about {role.title} held Tue 24 Nov, 10:05 (Europe/London)"


def test_held_at_is_read_in_the_clients_timezone(organization, recruiter, client_for):
    tokyo = ClientFactory(organization=organization, timezone="Asia/Tokyo")
    role = RoleFactory(organization=organization, client=tokyo)
    response = client_for(recruiter).post(
        _url(role), {"held_at": "2026-11-25T10:00", "notes": "Shortlist agreed."}
    )
    assert response.status_code == 302
    assert _check_ins(organization)[0][0] == datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def test_owners_and_admins_may_log_one_too(organization, role, owner, admin, client_for):
    for member, held_at in ((owner, "2026-11-24T10:00"), (admin, "2026-11-24T15:30")):
        response = client_for(member).post(
            _url(role), {"held_at": held_at, "notes": f"Logged by the {member.role}."}
        )
        assert response.status_code == 302
    # London is on UTC in November.
    assert sorted(_check_ins(organization)) == [
        (datetime(2026, 11, 24, 10, 0, tzinfo=UTC), "Logged by the owner.", owner.pk),
        (datetime(2026, 11, 24, 15, 30, tzinfo=UTC), "Logged by the admin.", admin.pk),
    ]
    with organization_context(organization.id):
        assert set(CheckIn.objects.values_list("role_id", flat=True)) == {role.pk}


def test_the_role_page_links_to_it_for_the_agency_only(role, recruiter, hiring_manager, client_for):
    page = f"/roles/{role.public_id}/"
    assert _url(role) in client_for(recruiter).get(page).content.decode()
    assert _url(role) not in client_for(hiring_manager).get(page).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_hiring_managers_and_hr_are_refused(
    organization, role, hiring_manager, hr, client_for, method
):
    for member in (hiring_manager, hr):
        response = getattr(client_for(member), method)(
            _url(role), {"held_at": "2026-11-24T10:00"} if method == "post" else None
        )
        assert response.status_code == 403
    assert _check_ins(organization) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_clients_hiring_manager_gets_404(organization, role, client_for, method):
    elsewhere = MembershipFactory(
        organization=organization,
        role="hiring_manager",
        client=ClientFactory(organization=organization),
    )
    response = getattr(client_for(elsewhere), method)(_url(role))
    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_outsider_gets_404(organization, role, outsider, client_for, method):
    response = getattr(client_for(outsider), method)(
        _url(role), {"held_at": "2026-11-24T10:00"} if method == "post" else None
    )
    assert response.status_code == 404
    assert _check_ins(organization) == []


def test_anonymous_visitors_are_sent_to_log_in(role, client):
    response = client.get(_url(role))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"held_at": ""}, "held_at", "This field is required."),
        ({"held_at": "next tuesday"}, "held_at", "Enter a valid date/time."),
        (
            {"held_at": "2026-11-26T10:00", "notes": "Early"},
            "held_at",
            "Log a check-in once it has taken place.",
        ),
        (
            {"held_at": "2026-11-24T10:00", "notes": "x" * 10_001},
            "notes",
            "Ensure this value has at most 10000 characters",
        ),
        ({"held_at": "2026-11-24T10:00"}, "notes", "a check-in needs its notes"),
        ({"held_at": "2026-11-24T10:00", "notes": "  \n "}, "notes", "a check-in needs its notes"),
        # Only invisible characters (a zero-width space, a BOM) are no notes either.
        (
            {"held_at": "2026-11-24T10:00", "notes": "\u200b\ufeff"},
            "notes",
            "a check-in needs its notes",
        ),
    ],
)
def test_bad_input_is_a_400_with_the_field_message_and_nothing_stored(
    organization, role, recruiter, client_for, data, field, message
):
    response = client_for(recruiter).post(_url(role), data)
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert message in response.content.decode()
    assert _check_ins(organization) == []
    with organization_context(organization.id):
        assert not Activity.objects.filter(verb="checkin.logged").exists()


def test_client_users_never_see_check_in_notes(
    organization, role, recruiter, hiring_manager, client_for
):
    client_for(recruiter).post(
        _url(role), {"held_at": "2026-11-24T10:00", "notes": "Client seems lukewarm."}
    )
    page = client_for(hiring_manager).get(f"/roles/{role.public_id}/").content.decode()
    assert "Check-in about" in page  # the shared timeline says it happened
    assert "lukewarm" not in page
