"""The nudge policy settings: owners and admins edit the ladder, open clocks follow."""

from datetime import UTC, datetime

import pytest

from activity.models import Activity
from engagements.models import ClockKind, NudgePolicy, ResponseClock, default_ladder
from engagements.services import clock_open
from engagements.services.policies import nudge_policy_save
from lib.exceptions import PermissionDenied
from lib.tenancy import organization_context
from tests.factories import ClientFactory, RoleFactory, SubmissionFactory

URL = "/settings/nudges/"
# A London client (09:00-17:30, a business day is 8.5 hours); a review opened
# Monday 09:00 with a 16-hour SLA is due Tuesday 16:30.
MONDAY = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
TUESDAY_DUE = datetime(2026, 11, 17, 16, 30, tzinfo=UTC)
WEDNESDAY_DUE = datetime(2026, 11, 18, 16, 30, tzinfo=UTC)
THURSDAY_DUE = datetime(2026, 11, 19, 16, 30, tzinfo=UTC)


def _data(first="0", second="1", third="2", **overrides) -> dict:
    data = {}
    for number, days in ((1, first), (2, second), (3, third)):
        data[f"level_{number}_after_business_days"] = days
        data[f"level_{number}_recipients"] = ["owing_party", "recruiter"]
        data[f"level_{number}_channels"] = ["email", "in_app"]
    data.update(overrides)
    return data


# A ladder starting two business days after the due time.
LATER = _data(first="2", second="3", third="4")


def _clock(organization, client):
    submission = SubmissionFactory(
        organization=organization, role=RoleFactory(organization=organization, client=client)
    )
    with organization_context(organization.id):
        return clock_open(
            submission=submission, kind=ClockKind.HM_REVIEW, sla_hours=16, opened_at=MONDAY
        )


def _next_nudge_at(clock):
    with organization_context(clock.organization_id):
        return ResponseClock.objects.get(pk=clock.pk).next_nudge_at


def _policies(organization):
    with organization_context(organization.id):
        return {policy.client_id: policy.levels for policy in NudgePolicy.objects.all()}


@pytest.fixture
def globex(organization):
    return ClientFactory(organization=organization, name="Globex")


# --- Who may see it ---------------------------------------------------------------


def test_owners_and_admins_see_the_default_ladder(client_for, owner, admin):
    for member in (owner, admin):
        response = client_for(member).get(URL)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Organization default" in content
        assert 'name="level_2_after_business_days" value="1"' in content
        assert 'value="counterpart" id="id_level_2_recipients_1" checked' in content
        assert 'value="counterpart" id="id_level_1_recipients_1" checked' not in content


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "hr"])
def test_everyone_else_gets_403(client_for, role, request):
    member = request.getfixturevalue(role)
    client = client_for(member)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _data()).status_code == 403
    assert _policies(member.organization) == {}


def test_signed_out_visitors_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_settings_tabs_link_to_it(client_for, admin):
    page = client_for(admin).get("/settings/organization/").content.decode()
    assert 'href="/settings/nudges/"' in page


# --- The default ladder ----------------------------------------------------------


def test_saving_the_default_reschedules_open_clocks(
    client_for, organization, admin, client_company, globex
):
    ours, theirs = _clock(organization, client_company), _clock(organization, globex)
    assert _next_nudge_at(ours) == TUESDAY_DUE

    client = client_for(admin)
    response = client.post(URL, _data(first="1", second="1.5", third="2"))

    assert response.status_code == 302
    assert response["Location"] == URL
    assert _policies(organization) == {
        None: [
            {
                "level": 1,
                "after_business_days": 1,
                "recipients": ["owing_party", "recruiter"],
                "channels": ["email", "in_app"],
            },
            {
                "level": 2,
                "after_business_days": 1.5,
                "recipients": ["owing_party", "recruiter"],
                "channels": ["email", "in_app"],
            },
            {
                "level": 3,
                "after_business_days": 2,
                "recipients": ["owing_party", "recruiter"],
                "channels": ["email", "in_app"],
            },
        ]
    }
    assert _next_nudge_at(ours) == WEDNESDAY_DUE
    assert _next_nudge_at(theirs) == WEDNESDAY_DUE
    with organization_context(organization.id):
        assert Activity.objects.filter(verb="nudge_policy.updated", internal=True).exists()
    page = client.get(URL).content.decode()
    assert "Nudge policy for the organization saved (2 open clocks rescheduled)." in page
    assert 'name="level_2_after_business_days" value="1.5"' in page


def test_closed_clocks_are_left_alone(client_for, organization, admin, client_company):
    clock = _clock(organization, client_company)
    with organization_context(organization.id):
        ResponseClock.objects.filter(pk=clock.pk).update(closed_at=MONDAY)

    client_for(admin).post(URL, _data(first="1", second="2", third="3"))

    assert _next_nudge_at(clock) == TUESDAY_DUE


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_data(second="0"), "level_2", "Level 2 must come later than the level before it"),
        (_data(third="1"), "level_3", "Level 3 must come later than the level before it"),
        (_data(first="11"), "level_1", "less than or equal to 10"),
        (_data(first="-1"), "level_1", "greater than or equal to 0"),
        (_data(second="soon"), "level_2", "Enter a number."),
        (_data(second="1.125"), "level_2", "more than 2 decimal places"),
        (
            _data(level_2_recipients=[]),
            "level_2",
            "Choose at least one recipient for level 2.",
        ),
        (_data(level_3_channels=[]), "level_3", "Choose at least one channel for level 3."),
        (_data(level_1_channels=["pigeon"]), "level_1", "Select a valid choice."),
    ],
)
def test_bad_input_is_a_400_with_the_fields_message_and_nothing_changes(
    client_for, organization, admin, client_company, data, field, message
):
    clock = _clock(organization, client_company)

    response = client_for(admin).post(URL, data)

    content = response.content.decode()
    assert response.status_code == 400
    assert message in content
    # The message sits in the level's own fieldset, next to its field.
    start = content.index(f"<legend>Level {field[-1]}:")
    end = content.find("<legend>Level", start + 1)
    assert message in content[start : end if end != -1 else None]
    assert _policies(organization) == {}
    assert _next_nudge_at(clock) == TUESDAY_DUE


# --- Client overrides ------------------------------------------------------------


def test_a_client_override_reschedules_that_clients_clocks_only(
    client_for, organization, admin, client_company, globex
):
    ours, theirs = _clock(organization, client_company), _clock(organization, globex)
    client = client_for(admin)

    page = client.get(f"{URL}?client={client_company.public_id}").content.decode()
    assert "Acme Robotics follows the organization's default" in page

    response = client.post(URL, LATER | {"client": str(client_company.public_id)})

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?client={client_company.public_id}"
    assert set(_policies(organization)) == {client_company.pk}
    assert _next_nudge_at(ours) == THURSDAY_DUE
    assert _next_nudge_at(theirs) == TUESDAY_DUE
    page = client.get(response["Location"]).content.decode()
    assert "Acme Robotics has its own nudge policy" in page
    assert "Remove Acme Robotics's policy" in page


def test_the_default_no_longer_moves_a_client_with_its_own_policy(
    client_for, organization, admin, client_company, globex
):
    ours, theirs = _clock(organization, client_company), _clock(organization, globex)
    client = client_for(admin)
    client.post(URL, LATER | {"client": str(client_company.public_id)})

    client.post(URL, _data(first="1", second="2", third="3"))

    assert _next_nudge_at(ours) == THURSDAY_DUE
    assert _next_nudge_at(theirs) == WEDNESDAY_DUE


def test_removing_an_override_brings_the_default_back(
    client_for, organization, admin, client_company
):
    clock = _clock(organization, client_company)
    client = client_for(admin)
    client.post(URL, LATER | {"client": str(client_company.public_id)})
    assert "Acme Robotics" in client.get(URL).content.decode()

    response = client.post(URL, {"client": str(client_company.public_id), "action": "remove"})

    assert response.status_code == 302
    assert _policies(organization) == {}
    assert _next_nudge_at(clock) == TUESDAY_DUE
    page = client.get(URL).content.decode()
    assert "Acme Robotics follows the organization&#x27;s nudge policy again" in page
    assert "Every client follows the organization's default." in page


def test_removing_an_override_that_does_not_exist_says_so(client_for, admin, client_company):
    client = client_for(admin)
    client.post(URL, {"client": str(client_company.public_id), "action": "remove"})
    assert "Acme Robotics has no nudge policy of its own." in client.get(URL).content.decode()


def test_the_client_picker_lists_the_organizations_clients_only(
    client_for, admin, client_company, globex, other_organization
):
    ClientFactory(organization=other_organization, name="Initech")

    content = client_for(admin).get(URL).content.decode()

    assert f'<option value="{client_company.public_id}">Acme Robotics</option>' in content
    assert f'<option value="{globex.public_id}">Globex</option>' in content
    assert "Initech" not in content


# --- Tenancy -----------------------------------------------------------------------


def test_the_outsider_cannot_reach_our_clients_policy(
    client_for, organization, outsider, client_company
):
    client = client_for(outsider)
    clock = _clock(organization, client_company)

    assert client.get(f"{URL}?client={client_company.public_id}").status_code == 404
    assert client.post(URL, _data(client=str(client_company.public_id))).status_code == 404
    remove = {"client": str(client_company.public_id), "action": "remove"}
    assert client.post(URL, remove).status_code == 404
    assert _policies(organization) == {}
    assert _next_nudge_at(clock) == TUESDAY_DUE


def test_another_organizations_client_cannot_be_chosen(
    client_for, admin, other_organization, organization
):
    theirs = ClientFactory(organization=other_organization, name="Initech")
    client = client_for(admin)

    assert client.get(f"{URL}?client={theirs.public_id}").status_code == 404
    assert client.post(URL, _data(client=str(theirs.public_id))).status_code == 404
    assert client.post(URL, _data(client="not-a-uuid")).status_code == 404
    assert _policies(organization) == {}
    assert _policies(other_organization) == {}


def test_the_outsiders_own_default_does_not_touch_our_clocks(
    client_for, organization, outsider, client_company
):
    clock = _clock(organization, client_company)

    assert client_for(outsider).post(URL, LATER).status_code == 302

    assert _next_nudge_at(clock) == TUESDAY_DUE
    assert _policies(organization) == {}


# --- The service -------------------------------------------------------------------


def test_the_service_refuses_roles_that_may_not_manage_the_organization(organization, recruiter):
    with organization_context(organization.id), pytest.raises(PermissionDenied):
        nudge_policy_save(actor=recruiter, levels=default_ladder())


def test_the_service_refuses_another_organizations_client(organization, owner, other_organization):
    theirs = ClientFactory(organization=other_organization)
    with organization_context(organization.id), pytest.raises(Exception, match="another"):
        nudge_policy_save(actor=owner, client=theirs, levels=default_ladder())
