"""Clients, contacts and roles over the API."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from activity.models import Activity
from lib.tenancy import organization_context
from recruiting.models import Client, Contact, ContactKind, Role, RoleStatus
from tests.factories import ClientFactory, ContactFactory, RoleFactory

pytestmark = pytest.mark.django_db


def stored(organization, model, **filters):
    with organization_context(organization.id):
        return list(model.objects.filter(**filters))


# --- Clients --------------------------------------------------------------------------


def test_recruiter_creates_a_client_and_reads_it_back(api, recruiter, organization):
    response = api.post(
        "/api/v1/clients/",
        {
            "name": "Initech",
            "timezone": "America/Chicago",
            "business_day_start": "08:00",
            "business_day_end": "16:00",
            "workdays": [0, 1, 2, 3],
            "external_source": "greenhouse",
            "external_id": "cl-17",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    (client,) = stored(organization, Client, name="Initech")
    assert body["id"] == str(client.public_id)
    assert body["owner"] == str(recruiter.public_id)
    assert body["workdays"] == [0, 1, 2, 3]
    assert body["business_day_end"] == "16:00:00"
    assert (body["external_source"], body["external_id"]) == ("greenhouse", "cl-17")
    assert parse_datetime(body["created_at"]) == client.created_at
    assert parse_datetime(body["updated_at"]) == client.updated_at
    assert api.get(f"/api/v1/clients/{client.public_id}/").json() == body
    assert stored(organization, Activity, verb="client.created", client=client)


def test_the_weekly_report_is_on_by_default_and_turned_off_by_a_patch(
    api, organization, client_company
):
    url = f"/api/v1/clients/{client_company.public_id}/"
    assert api.get(url).json()["weekly_report"] is True
    response = api.patch(url, {"weekly_report": False}, format="json")
    assert response.status_code == 200
    assert response.json()["weekly_report"] is False
    (client,) = stored(organization, Client, pk=client_company.pk)
    assert client.weekly_report is False


def test_patch_changes_only_the_fields_sent(api, organization, client_company, hm_contact):
    with organization_context(organization.id):
        Client.objects.filter(pk=client_company.pk).update(escalation_contact=hm_contact)
    response = api.patch(
        f"/api/v1/clients/{client_company.public_id}/",
        {"website": "https://acme.test"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["website"] == "https://acme.test"
    assert response.json()["escalation_contact"] == str(hm_contact.public_id)
    assert response.json()["name"] == "Acme Robotics"


def test_invalid_client_is_a_400_problem_by_field_and_nothing_is_stored(api, organization):
    response = api.post(
        "/api/v1/clients/",
        {"name": "Initech", "timezone": "Mars/Olympus_Mons", "workdays": [9]},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid"
    assert problem["errors"] == {"workdays.0": ["Ensure this value is less than or equal to 6."]}
    # Shape is fine, the service refuses: still a field error, still nothing stored.
    response = api.post(
        "/api/v1/clients/", {"name": "Initech", "timezone": "Mars/Olympus_Mons"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["timezone"]
    assert stored(organization, Client, name="Initech") == []


def test_a_taken_external_reference_is_a_field_error(api, organization):
    ClientFactory(organization=organization, external_source="lever", external_id="42")
    response = api.post(
        "/api/v1/clients/",
        {"name": "Initech", "timezone": "UTC", "external_source": "lever", "external_id": "42"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["external_id"]


def test_clients_filter_by_external_reference_and_updated_since(api, organization):
    old = ClientFactory(organization=organization, external_source="lever", external_id="1")
    new = ClientFactory(organization=organization, external_source="lever", external_id="2")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    with organization_context(organization.id):
        Client.objects.filter(pk=old.pk).update(updated_at=an_hour_ago - timedelta(hours=1))

    def ids(query: str) -> list[str]:
        return [item["id"] for item in api.get(f"/api/v1/clients/?{query}").json()["results"]]

    assert ids("external_source=lever&external_id=2") == [str(new.public_id)]
    assert ids(f"updated_since={an_hour_ago.isoformat().replace('+', '%2B')}") == [
        str(new.public_id)
    ]
    assert api.get("/api/v1/clients/?updated_since=yesterday").status_code == 400


# --- Contacts -------------------------------------------------------------------------


def test_recruiter_adds_a_contact_and_lists_contacts_by_client(api, organization, client_company):
    other = ContactFactory(organization=organization)
    response = api.post(
        "/api/v1/contacts/",
        {
            "client": str(client_company.public_id),
            "kind": "hr",
            "full_name": "Pat Doe",
            "email": "Pat@Acme.test",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["email"] == "pat@acme.test"
    assert response.json()["client"] == str(client_company.public_id)
    listed = api.get(f"/api/v1/contacts/?client={client_company.public_id}").json()["results"]
    assert [item["full_name"] for item in listed] == ["Pat Doe"]
    assert str(other.public_id) not in str(listed)


def test_patching_a_contact_keeps_its_client(api, hm_contact):
    response = api.patch(
        f"/api/v1/contacts/{hm_contact.public_id}/",
        {"job_title": "VP Engineering", "external_source": "bullhorn", "external_id": "c-9"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["job_title"] == "VP Engineering"
    assert response.json()["external_id"] == "c-9"
    assert response.json()["full_name"] == "Hana Meyer"


def test_a_contact_for_another_organizations_client_is_no_such_client(
    api, organization, other_organization
):
    theirs = ClientFactory(organization=other_organization)
    response = api.post(
        "/api/v1/contacts/",
        {"client": str(theirs.public_id), "kind": "hr", "full_name": "Pat Doe"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"client": ["No such client."]}
    assert stored(organization, Contact, full_name="Pat Doe") == []


# --- Roles ----------------------------------------------------------------------------


def test_recruiter_opens_a_role_with_its_contacts(
    api, recruiter, organization, client_company, hm_contact, hr_contact
):
    response = api.post(
        "/api/v1/roles/",
        {
            "client": str(client_company.public_id),
            "title": "Staff engineer",
            "openings": 2,
            "salary_min": 120000,
            "salary_max": 150000,
            "hiring_manager": str(hm_contact.public_id),
            "hr_contact": str(hr_contact.public_id),
            "external_source": "greenhouse",
            "external_id": "job-5",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == RoleStatus.OPEN
    assert body["hiring_manager"] == str(hm_contact.public_id)
    assert body["owner"] == str(recruiter.public_id)
    assert body["agreement"] is None
    assert stored(organization, Role, title="Staff engineer", openings=2)


def test_a_role_with_another_clients_contact_is_a_400(api, organization, client_company):
    elsewhere = ContactFactory(organization=organization, kind=ContactKind.HIRING_MANAGER)
    response = api.post(
        "/api/v1/roles/",
        {
            "client": str(client_company.public_id),
            "title": "Staff engineer",
            "hiring_manager": str(elsewhere.public_id),
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["hiring_manager"]
    assert stored(organization, Role, title="Staff engineer") == []


def test_patching_a_role_keeps_the_contacts_not_sent(
    api, organization, client_company, hm_contact, admin
):
    role = RoleFactory(organization=organization, client=client_company, hiring_manager=hm_contact)
    response = api.patch(
        f"/api/v1/roles/{role.public_id}/",
        {"priority": "urgent", "owner": str(admin.public_id)},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["priority"] == "urgent"
    assert response.json()["owner"] == str(admin.public_id)
    assert response.json()["hiring_manager"] == str(hm_contact.public_id)


def test_a_client_user_cannot_own_a_role(api, organization, client_company, hiring_manager):
    role = RoleFactory(organization=organization, client=client_company)
    response = api.patch(
        f"/api/v1/roles/{role.public_id}/", {"owner": str(hiring_manager.public_id)}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"owner": ["No such agency member."]}


def test_roles_filter_by_status_and_client(api, organization, client_company):
    open_role = RoleFactory(organization=organization, client=client_company)
    RoleFactory(organization=organization, client=client_company, status=RoleStatus.ON_HOLD)
    RoleFactory(organization=organization)

    def titles(query: str) -> set[str]:
        return {item["title"] for item in api.get(f"/api/v1/roles/?{query}").json()["results"]}

    assert titles(f"client={client_company.public_id}&status=open") == {open_role.title}
    assert len(titles("status=open&status=on_hold")) == 3
    assert api.get("/api/v1/roles/?status=closed").status_code == 400


def test_a_role_changes_status_through_its_action(api, organization, client_company):
    role = RoleFactory(organization=organization, client=client_company)
    response = api.post(
        f"/api/v1/roles/{role.public_id}/status/", {"status": "filled"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == RoleStatus.FILLED
    # Filled → on hold is not in the table.
    refused = api.post(
        f"/api/v1/roles/{role.public_id}/status/", {"status": "on_hold"}, format="json"
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict"
    assert stored(organization, Role, pk=role.pk)[0].status == RoleStatus.FILLED


# --- Who sees what ----------------------------------------------------------------------


def test_a_hiring_manager_key_sees_only_its_clients_objects(
    api_for, hiring_manager, organization, client_company, hm_contact
):
    own_role = RoleFactory(organization=organization, client=client_company)
    other_client = ClientFactory(organization=organization)
    other_contact = ContactFactory(organization=organization, client=other_client)
    other_role = RoleFactory(organization=organization, client=other_client)
    api = api_for(hiring_manager)

    def listed(resource: str, query: str = "") -> list[str]:
        return [item["id"] for item in api.get(f"/api/v1/{resource}/?{query}").json()["results"]]

    assert listed("clients") == [str(client_company.public_id)]
    assert listed("contacts") == [str(hm_contact.public_id)]
    assert listed("roles") == [str(own_role.public_id)]
    for resource, obj in [
        ("clients", other_client),
        ("contacts", other_contact),
        ("roles", other_role),
    ]:
        assert api.get(f"/api/v1/{resource}/{obj.public_id}/").status_code == 404
        # Another client's object is a 404 for writes too, never a 403.
        assert (
            api.patch(f"/api/v1/{resource}/{obj.public_id}/", {}, format="json").status_code == 404
        )
    assert listed("roles", f"client={other_client.public_id}") == []
    # Its own client it may read but not change.
    client_body = api.get(f"/api/v1/clients/{client_company.public_id}/").json()
    assert client_body["notes"] is None
    forbidden = api.patch(
        f"/api/v1/clients/{client_company.public_id}/", {"name": "Mine"}, format="json"
    )
    assert forbidden.status_code == 403


def test_client_notes_are_for_the_agency(api, api_for, hr, organization):
    client = ClientFactory(organization=organization, notes="Pays late.")
    assert api.get(f"/api/v1/clients/{client.public_id}/").json()["notes"] == "Pays late."
    with organization_context(organization.id):
        hr.client = client
        hr.save()
    assert api_for(hr).get(f"/api/v1/clients/{client.public_id}/").json()["notes"] is None
