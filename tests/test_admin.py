"""The Django admin works inside the active organization and shows nothing of another."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import ClientFactory, MembershipFactory, SubmissionFactory, UserFactory

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def staff_member(organization):
    user = UserFactory(email="staff@northwind.test", is_staff=True, is_superuser=True)
    return MembershipFactory(organization=organization, user=user, role="owner")


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_admin_list_opens_inside_the_organization(client_for, staff_member, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client_for(staff_member).get(url).status_code == 200


def test_admin_lists_and_opens_only_the_active_organizations_rows(
    client_for, staff_member, organization, other_organization
):
    ours = ClientFactory(organization=organization, name="Our Client")
    theirs = ClientFactory(organization=other_organization, name="Their Client")
    SubmissionFactory(organization=other_organization)
    client = client_for(staff_member)

    listing = client.get(reverse("admin:recruiting_client_changelist")).content.decode()
    assert ours.name in listing
    assert theirs.name not in listing

    response = client.get(reverse("admin:recruiting_client_change", args=[theirs.pk]))
    assert response.status_code == 302  # the admin's "doesn't exist" redirect
    assert client.get(reverse("admin:recruiting_client_change", args=[ours.pk])).status_code == 200


def test_the_admin_never_shows_an_api_key_hash_nor_a_signing_secret(
    client_for, staff_member, organization
):
    from integrations.services import api_key_create
    from lib.tenancy import organization_context
    from tests.factories import WebhookEndpointFactory

    with organization_context(organization.id):
        api_key, _ = api_key_create(actor=staff_member, name="Sync", scopes=["read"])
    endpoint = WebhookEndpointFactory(organization=organization)
    client = client_for(staff_member)
    for obj, secret in [(api_key, api_key.key_hash), (endpoint, endpoint.secret)]:
        meta = obj._meta
        page = client.get(
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        )
        assert page.status_code == 200
        assert secret not in page.content.decode()
