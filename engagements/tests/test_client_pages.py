"""Client and contact pages: who sees which client, who may change it, bad input."""

import datetime
import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_create
from activity.models import Activity
from activity.selectors import TIMELINE_PER_PAGE
from activity.services import activity_record
from engagements.models import ClockKind
from engagements.services import clock_open, clocks_close
from lib.tenancy import organization_context
from recruiting.models import Client, Contact
from recruiting.selectors import CLIENTS_PER_PAGE
from tests.factories import (
    AgreementFactory,
    ClientFactory,
    ContactFactory,
    MembershipFactory,
    RoleFactory,
    SubmissionFactory,
    UserFactory,
)


@pytest.fixture
def other_client(organization):
    """A second client of the same agency: the cast's HM and HR must not see it."""
    return ClientFactory(organization=organization, name="Globex Logistics")


@pytest.fixture
def other_contact(organization, other_client):
    return ContactFactory(
        organization=organization, client=other_client, full_name="Gus Globex", kind="hr"
    )


def _clients(organization) -> list[str]:
    with organization_context(organization.id):
        return list(Client.objects.order_by("name").values_list("name", flat=True))


def _contact(contact) -> Contact:
    with organization_context(contact.organization_id):
        return Contact.objects.get(pk=contact.pk)


def _client(client) -> Client:
    with organization_context(client.organization_id):
        return Client.objects.get(pk=client.pk)


def _client_data(**overrides) -> dict:
    return {
        "name": "Initech",
        "website": "https://initech.test",
        "timezone": "America/New_York",
        "business_day_start": "08:30",
        "business_day_end": "17:00",
        "workdays": ["0", "1", "2", "3"],
        "owner": "",
        "notes": "Pays on time.",
    } | overrides


# --- Client list -------------------------------------------------------------------


def test_agency_sees_every_client_with_its_responsiveness(
    client_for, organization, recruiter, client_company, other_client
):
    two_weeks_ago = timezone.now() - timedelta(days=14)
    with organization_context(organization.id):
        answered = SubmissionFactory(organization=organization, role__client=client_company)
        clock_open(
            submission=answered, kind=ClockKind.HM_REVIEW, sla_hours=400, opened_at=two_weeks_ago
        )
        clocks_close(submission=answered, by=None)  # answered well within 400 hours
        waiting = SubmissionFactory(organization=organization, role__client=client_company)
        clock_open(
            submission=waiting, kind=ClockKind.HM_REVIEW, sla_hours=8, opened_at=two_weeks_ago
        )
    response = client_for(recruiter).get("/clients/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Acme Robotics" in content
    assert "Globex Logistics" in content
    # One answered on time, one already overdue: half the due actions met.
    assert "50%" in content
    assert "1 overdue" in content
    assert 'href="/clients/new/"' in content


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_see_only_their_own_client_in_the_list(
    client_for, request, client_company, other_client, cast
):
    response = client_for(request.getfixturevalue(cast)).get("/clients/")
    assert response.status_code == 200
    assert b"Acme Robotics" in response.content
    assert b"Globex Logistics" not in response.content
    assert b"/clients/new/" not in response.content


def _client_rows(content: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/clients/[^"]+/">([^<]+)</a>', content)


def _link(content: str, rel: str) -> str:
    return "/clients/" + html.unescape(re.search(rf'rel="{rel}" href="([^"]+)"', content)[1])


def test_the_client_list_shows_25_clients_a_page_by_name(client_for, organization, recruiter):
    for number in reversed(range(30)):
        ClientFactory(organization=organization, name=f"Client {number:02d}")
    client = client_for(recruiter)

    first = client.get("/clients/").content.decode()
    second = client.get(_link(first, "next")).content.decode()

    assert _client_rows(first) == [f"Client {number:02d}" for number in range(25)]
    assert _client_rows(second) == [f"Client {number:02d}" for number in range(25, 30)]
    assert "30 clients" in first
    assert _client_rows(client.get(_link(second, "prev")).content.decode()) == _client_rows(first)


def test_the_client_list_counts_open_roles_and_submissions_per_client(
    client_for, organization, recruiter, client_company, other_client
):
    open_role = RoleFactory(organization=organization, client=client_company)
    RoleFactory(organization=organization, client=client_company, status="filled")
    SubmissionFactory(organization=organization, role=open_role)
    SubmissionFactory(organization=organization, role=open_role, stage="rejected")
    RoleFactory(organization=organization, client=other_client)

    content = client_for(recruiter).get("/clients/").content.decode()

    acme = content[content.index("Acme Robotics") : content.index("Globex Logistics")]
    assert re.findall(r'<td class="numeric">(\d+)</td>', acme) == ["1", "1"]


# The list: 1 session, 2 user, 3 membership (tenant middleware), 4 the count of clients,
# 5 the page of clients with their counts of open roles and submissions, 6 the page's
# responsiveness, 7 the unread notifications count, 8 the organization switcher.
CLIENT_LIST_QUERIES = 8


@pytest.mark.parametrize("count", [2, 40])
def test_the_client_list_runs_a_constant_number_of_queries(
    client_for, organization, recruiter, django_assert_max_num_queries, count
):
    for _ in range(count):
        role = RoleFactory(organization=organization)
        SubmissionFactory(organization=organization, role=role)
    client = client_for(recruiter)
    url = _link(client.get("/clients/").content.decode(), "next") if count > 25 else "/clients/"

    with django_assert_max_num_queries(CLIENT_LIST_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert len(_client_rows(response.content.decode())) <= CLIENTS_PER_PAGE


# The client's page: 1 session, 2 user, 3 membership (tenant middleware), 4 the client,
# 5 its roles, 6 their latest agreements, 7 its contacts, 8 the pending invitations,
# 9 a page of its timeline, 10 its responsiveness, 11 the organization switcher,
# 12 the unread notifications count.
CLIENT_PAGE_QUERIES = 12


@pytest.mark.parametrize("count", [2, 30])
def test_the_client_page_runs_a_constant_number_of_queries_and_pages_its_timeline(
    client_for, organization, recruiter, client_company, django_assert_max_num_queries, count
):
    with organization_context(organization.id):
        for number in range(count):
            activity_record(
                actor=recruiter,
                verb="client.updated",
                client=client_company,
                summary=f"Entry {number:02d}",
            )
    client = client_for(recruiter)
    url = f"/clients/{client_company.public_id}/"

    with django_assert_max_num_queries(CLIENT_PAGE_QUERIES):
        content = client.get(url).content.decode()

    assert content.count('class="timeline__item"') == min(count, TIMELINE_PER_PAGE)
    if count > TIMELINE_PER_PAGE:
        older = re.search(r'href="([^"]+)">Older</a>', content)[1]
        assert "#timeline-heading" in older
        rest = client.get(url + html.unescape(older)).content.decode()
        assert rest.count('class="timeline__item"') == count - TIMELINE_PER_PAGE


# --- Client create -----------------------------------------------------------------


def test_agency_adds_a_client(client_for, organization, admin, recruiter):
    response = client_for(admin).post("/clients/new/", _client_data(owner=str(recruiter.public_id)))
    with organization_context(organization.id):
        client = Client.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == f"/clients/{client.public_id}/"
    assert client.timezone == "America/New_York"
    assert client.workdays == [0, 1, 2, 3]
    assert client.business_day_start == datetime.time(8, 30)
    assert client.owner_id == recruiter.pk


def test_a_new_client_is_owned_by_its_creator_by_default(client_for, organization, recruiter):
    client_for(recruiter).post("/clients/new/", _client_data())
    with organization_context(organization.id):
        assert Client.objects.get(name="Initech").owner_id == recruiter.pk


def test_the_create_form_offers_a_timezone_select_and_workday_checkboxes(client_for, recruiter):
    content = client_for(recruiter).get("/clients/new/").content.decode()
    assert '<option value="Europe/Paris">' in content
    assert 'type="checkbox" name="workdays" value="5"' in content


def test_the_weekly_report_is_turned_off_and_on_from_the_edit_form(
    client_for, recruiter, client_company
):
    page = f"/clients/{client_company.public_id}/edit/"
    content = client_for(recruiter).get(page).content.decode()
    assert 'id="id_weekly_report" checked' in content

    data = _client_data(owner=str(recruiter.public_id))  # a box left unticked is not sent
    assert client_for(recruiter).post(page, data).status_code == 302
    assert _client(client_company).weekly_report is False

    data["weekly_report"] = "on"
    assert client_for(recruiter).post(page, data).status_code == 302
    assert _client(client_company).weekly_report is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"timezone": "Mars/Olympus"}, "Select a valid choice."),
        ({"business_day_end": "08:00"}, "The business day must end after it starts."),
        ({"workdays": []}, "Choose at least one working day."),
        ({"workdays": ["9"]}, "Select a valid choice."),
        ({"website": "not a url at all"}, "Enter a valid URL."),
    ],
)
def test_bad_client_input_is_refused_with_field_messages(
    client_for, organization, recruiter, client_company, overrides, message
):
    response = client_for(recruiter).post("/clients/new/", _client_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _clients(organization) == ["Acme Robotics"]


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_owner_must_be_one_of_the_agencys_people(
    client_for, request, organization, recruiter, cast
):
    client_user = request.getfixturevalue(cast)
    response = client_for(recruiter).post(
        "/clients/new/", _client_data(owner=str(client_user.public_id))
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert "Initech" not in _clients(organization)


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_add_clients(client_for, request, organization, cast):
    client = client_for(request.getfixturevalue(cast))
    assert client.get("/clients/new/").status_code == 403
    assert client.post("/clients/new/", _client_data()).status_code == 403
    assert "Initech" not in _clients(organization)


# --- Client detail -----------------------------------------------------------------


def test_client_page_shows_contacts_roles_responsiveness_and_timeline(
    client_for, organization, owner, client_company, hm_contact, hr_contact
):
    ContactFactory(
        organization=organization, client=client_company, kind="other", full_name="Olga Other"
    )
    with organization_context(organization.id):
        hm_contact.user = UserFactory(email="hana@acme.test")
        hm_contact.save()
        no_agreement = RoleFactory(organization=organization, client=client_company, title="QA")
        proposed = RoleFactory(organization=organization, client=client_company, title="SRE")
        AgreementFactory(organization=organization, role=proposed, version=1, status="proposed")
        agreed = RoleFactory(organization=organization, client=client_company, title="CTO")
        agreement = AgreementFactory(organization=organization, role=agreed, version=3)
        agreed.agreement = agreement
        agreed.save()
        activity_record(actor=owner, verb="client.updated", client=client_company, summary="Hi")
    content = client_for(owner).get(f"/clients/{client_company.public_id}/").content.decode()
    assert "Hana Meyer" in content
    assert "Has a login" in content
    assert "Olga Other" in content
    # HR with an email and no login can be invited; the HM already has a login,
    # and an "other" contact never gets one.
    assert content.count("Invite to Rapport") == 1
    assert f"/contacts/{hr_contact.public_id}/invite/" in content
    assert no_agreement.title in content
    assert "Proposed v1" in content
    assert "Agreed v3" in content
    assert "SLA compliance" in content
    assert "Timeline" in content
    assert f"/clients/{client_company.public_id}/roles/new/" in content


def test_recruiters_do_not_get_the_invite_button(client_for, recruiter, client_company, hr_contact):
    content = client_for(recruiter).get(f"/clients/{client_company.public_id}/").content.decode()
    assert "Invite to Rapport" not in content
    assert "An owner or admin can invite" in content


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_see_their_client_but_no_internal_entries_nor_edit_links(
    client_for, request, organization, recruiter, client_company, hm_contact, cast
):
    with organization_context(organization.id):
        activity_record(
            actor=recruiter,
            verb="client.updated",
            client=client_company,
            summary="Recruiter-only remark",
            internal=True,
        )
        activity_record(
            actor=recruiter, verb="client.updated", client=client_company, summary="Shared news"
        )
    response = client_for(request.getfixturevalue(cast)).get(
        f"/clients/{client_company.public_id}/"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Shared news" in content
    assert "Recruiter-only remark" not in content
    assert "/edit/" not in content
    assert "Invite to Rapport" not in content


def test_agency_sees_internal_client_entries(client_for, organization, recruiter, client_company):
    with organization_context(organization.id):
        activity_record(
            actor=recruiter,
            verb="client.updated",
            client=client_company,
            summary="Recruiter-only remark",
            internal=True,
        )
    content = client_for(recruiter).get(f"/clients/{client_company.public_id}/").content
    assert b"Recruiter-only remark" in content


# --- Client edit -------------------------------------------------------------------


def test_agency_edits_a_client_and_picks_an_escalation_contact(
    client_for, recruiter, admin, client_company, hr_contact
):
    response = client_for(recruiter).post(
        f"/clients/{client_company.public_id}/edit/",
        _client_data(
            name="Acme Robotics Ltd",
            owner=str(admin.public_id),
            escalation_contact=str(hr_contact.public_id),
        ),
    )
    assert response.status_code == 302
    client = _client(client_company)
    assert client.name == "Acme Robotics Ltd"
    assert client.owner_id == admin.pk
    assert client.escalation_contact_id == hr_contact.pk
    assert client.workdays == [0, 1, 2, 3]


def test_the_edit_form_is_prefilled(client_for, recruiter, client_company):
    content = client_for(recruiter).get(f"/clients/{client_company.public_id}/edit/").content
    assert b'value="Acme Robotics"' in content
    assert b'<option value="Europe/London" selected>' in content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"business_day_start": "18:00"}, "The business day must end after it starts."),
        ({"owner": ""}, "This field is required."),
    ],
)
def test_bad_client_edits_change_nothing(client_for, recruiter, client_company, overrides, message):
    data = _client_data(owner=str(recruiter.public_id)) | overrides
    response = client_for(recruiter).post(f"/clients/{client_company.public_id}/edit/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    client = _client(client_company)
    assert client.name == "Acme Robotics"
    assert client.timezone == "Europe/London"


def test_the_escalation_contact_must_belong_to_the_client(
    client_for, recruiter, client_company, other_contact
):
    response = client_for(recruiter).post(
        f"/clients/{client_company.public_id}/edit/",
        _client_data(
            owner=str(recruiter.public_id), escalation_contact=str(other_contact.public_id)
        ),
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert _client(client_company).escalation_contact_id is None


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_edit_their_client(client_for, request, client_company, cast):
    client = client_for(request.getfixturevalue(cast))
    url = f"/clients/{client_company.public_id}/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, _client_data()).status_code == 403
    assert _client(client_company).name == "Acme Robotics"


# --- Contacts ----------------------------------------------------------------------


def test_agency_adds_a_contact(client_for, organization, recruiter, client_company):
    response = client_for(recruiter).post(
        f"/clients/{client_company.public_id}/contacts/new/",
        {"full_name": "Ivy Park", "kind": "hr", "email": "IVY@acme.test", "job_title": "HRBP"},
    )
    assert response.status_code == 302
    with organization_context(organization.id):
        contact = Contact.objects.get(full_name="Ivy Park")
    assert (contact.client_id, contact.kind, contact.email) == (
        client_company.pk,
        "hr",
        "ivy@acme.test",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "kind": "hr"}, "This field is required."),
        ({"full_name": "Ivy", "kind": "ceo"}, "Select a valid choice."),
        (
            {"full_name": "Ivy", "kind": "hr", "email": "ivy-at-acme"},
            "Enter a valid email address.",
        ),
    ],
)
def test_bad_contact_input_is_refused(
    client_for, organization, recruiter, client_company, data, message
):
    response = client_for(recruiter).post(
        f"/clients/{client_company.public_id}/contacts/new/", data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with organization_context(organization.id):
        assert not Contact.objects.exists()


def test_agency_edits_a_contact(client_for, recruiter, hm_contact):
    response = client_for(recruiter).post(
        f"/contacts/{hm_contact.public_id}/edit/",
        {"full_name": "Hana Meyer-Lang", "kind": "hiring_manager", "email": "hana@acme.test"},
    )
    assert response.status_code == 302
    assert _contact(hm_contact).full_name == "Hana Meyer-Lang"
    with organization_context(hm_contact.organization_id):
        entry = Activity.objects.get(verb="contact.updated")
    assert entry.client_id == hm_contact.client_id
    assert entry.actor_id == recruiter.pk
    assert entry.payload == {"contact": str(hm_contact.public_id), "changed": ["full_name"]}


def test_saving_a_contact_unchanged_records_nothing(client_for, recruiter, hm_contact):
    client_for(recruiter).post(
        f"/contacts/{hm_contact.public_id}/edit/",
        {"full_name": "Hana Meyer", "kind": "hiring_manager", "email": "hana@acme.test"},
    )
    with organization_context(hm_contact.organization_id):
        assert not Activity.objects.filter(verb="contact.updated").exists()


def test_a_bad_contact_edit_changes_nothing(client_for, recruiter, hm_contact):
    response = client_for(recruiter).post(
        f"/contacts/{hm_contact.public_id}/edit/",
        {"full_name": "Hana", "kind": "hiring_manager", "email": "nope"},
    )
    assert response.status_code == 400
    assert b"Enter a valid email address." in response.content
    assert _contact(hm_contact).email == "hana@acme.test"


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_cannot_manage_contacts(
    client_for, request, organization, client_company, hm_contact, cast
):
    client = client_for(request.getfixturevalue(cast))
    assert client.get(f"/clients/{client_company.public_id}/contacts/new/").status_code == 403
    assert (
        client.post(
            f"/clients/{client_company.public_id}/contacts/new/", {"full_name": "X", "kind": "hr"}
        ).status_code
        == 403
    )
    assert client.get(f"/contacts/{hm_contact.public_id}/edit/").status_code == 403
    assert client.post(f"/contacts/{hm_contact.public_id}/invite/").status_code == 403
    with organization_context(organization.id):
        assert Contact.objects.count() == 1
        assert not Invitation.objects.exists()


def test_an_admin_invites_an_hr_contact(
    client_for, organization, admin, client_company, hr_contact
):
    response = client_for(admin).post(f"/contacts/{hr_contact.public_id}/invite/", follow=True)
    content = response.content.decode()
    assert "Invitation sent to harriet@acme.test" in content
    assert "will see the roles and candidates at Acme Robotics once they accept" in content
    # The pending invitation replaces the button: nobody is invited twice by mistake.
    assert "Invite to Rapport" not in content
    assert '<span class="muted text-small">Invitation sent</span>' in content
    with organization_context(organization.id):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.client_id) == (
        "harriet@acme.test",
        "hr",
        client_company.pk,
    )


def test_a_pending_invitation_is_matched_to_its_contact_whatever_the_case(
    client_for, organization, admin, client_company
):
    shouting = ContactFactory(
        organization=organization,
        client=client_company,
        kind="hiring_manager",
        full_name="Hank Loud",
        email="Hank.Loud@ACME.test",
    )
    quiet = ContactFactory(
        organization=organization,
        client=client_company,
        kind="hr",
        full_name="Quinn Quiet",
        email="quinn@acme.test",
    )
    with organization_context(organization.id):
        invitation_create(
            actor=admin, email="hank.loud@acme.test", role="hiring_manager", client=client_company
        )

    content = client_for(admin).get(f"/clients/{client_company.public_id}/").content.decode()

    assert f"/contacts/{shouting.public_id}/invite/" not in content
    assert content.count("Invitation sent") == 1
    assert f"/contacts/{quiet.public_id}/invite/" in content


def test_a_recruiter_inviting_gets_a_message_not_an_error_page(
    client_for, organization, recruiter, hr_contact
):
    response = client_for(recruiter).post(f"/contacts/{hr_contact.public_id}/invite/", follow=True)
    assert response.status_code == 200
    assert b"owners and admins can do this" in response.content
    with organization_context(organization.id):
        assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("contact_fields", "message"),
    [
        ({"kind": "other", "email": "olga@acme.test"}, "Only hiring managers and HR"),
        ({"kind": "hr", "email": ""}, "Add the contact"),
    ],
)
def test_contacts_that_cannot_be_invited_get_a_message(
    client_for, organization, admin, client_company, contact_fields, message
):
    contact = ContactFactory(organization=organization, client=client_company, **contact_fields)
    response = client_for(admin).post(f"/contacts/{contact.public_id}/invite/", follow=True)
    assert message in response.content.decode()
    with organization_context(organization.id):
        assert not Invitation.objects.exists()


def test_invite_is_post_only(client_for, admin, hr_contact):
    assert client_for(admin).get(f"/contacts/{hr_contact.public_id}/invite/").status_code == 405


# --- Isolation ---------------------------------------------------------------------


def _object_urls(client_company, hm_contact) -> list[tuple[str, str]]:
    client_id, contact_id = client_company.public_id, hm_contact.public_id
    return [
        ("get", f"/clients/{client_id}/"),
        ("get", f"/clients/{client_id}/edit/"),
        ("post", f"/clients/{client_id}/edit/"),
        ("get", f"/clients/{client_id}/contacts/new/"),
        ("post", f"/clients/{client_id}/contacts/new/"),
        ("get", f"/contacts/{contact_id}/edit/"),
        ("post", f"/contacts/{contact_id}/edit/"),
        ("post", f"/contacts/{contact_id}/invite/"),
    ]


def test_another_organization_gets_404_for_every_client_and_contact_url(
    client_for, outsider, client_company, hm_contact
):
    client = client_for(outsider)
    for method, url in _object_urls(client_company, hm_contact):
        assert getattr(client, method)(url).status_code == 404, url
    assert b"Acme Robotics" not in client.get("/clients/").content


@pytest.mark.parametrize("cast", ["hiring_manager", "hr"])
def test_client_users_get_404_for_another_clients_pages(
    client_for, request, organization, other_client, other_contact, cast
):
    client = client_for(request.getfixturevalue(cast))
    for method, url in _object_urls(other_client, other_contact)[:5]:
        assert getattr(client, method)(url).status_code == 404, url
    # Contact pages are the agency's: client users are refused before any lookup.
    assert client.get(f"/contacts/{other_contact.public_id}/edit/").status_code == 403


def test_a_client_user_without_a_client_sees_no_client(client_for, organization, client_company):
    unbound = MembershipFactory(organization=organization, role="hiring_manager", client=None)
    client = client_for(unbound)
    assert b"Acme Robotics" not in client.get("/clients/").content
    assert client.get(f"/clients/{client_company.public_id}/").status_code == 404
