"""API keys: who may create them, how they authenticate, scopes, revocation, last use."""

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from integrations.models import ApiKey
from integrations.services import api_key_authenticate, api_key_create, api_key_revoke
from lib.exceptions import PermissionDenied
from lib.tenancy import organization_context
from tests.api.conftest import issue_key, key_client

pytestmark = pytest.mark.django_db


def test_key_is_stored_only_as_a_hash_and_shown_once(owner):
    with organization_context(owner.organization_id):
        api_key, key = api_key_create(actor=owner, name="Greenhouse", scopes=["read"])
        stored = ApiKey.objects.get(pk=api_key.pk)
    assert key.startswith(f"rk_{stored.prefix}_")
    assert key not in (stored.key_hash, stored.prefix, stored.name)
    assert len(stored.key_hash) == 64


def test_a_key_acts_as_its_member(api_for, hiring_manager):
    response = api_for(hiring_manager, scopes=["read"]).get("/api/v1/me/")
    assert response.status_code == 200
    body = response.json()
    assert body["membership"]["role"] == "hiring_manager"
    assert body["organization"]["id"] == str(hiring_manager.organization_id)
    assert body["api_key"]["scopes"] == ["read"]


@pytest.mark.parametrize("role", ["hiring_manager", "hr", "recruiter"])
def test_only_admins_create_keys(request, role):
    member = request.getfixturevalue(role)
    with organization_context(member.organization_id), pytest.raises(PermissionDenied):
        api_key_create(actor=member, name="Mine", scopes=["read"])


def test_an_admin_cannot_issue_a_key_acting_as_another_organizations_member(owner, outsider):
    with organization_context(owner.organization_id), pytest.raises(PermissionDenied):
        api_key_create(actor=owner, name="Theirs", scopes=["read"], acting_as=outsider)


def test_unknown_malformed_and_tampered_keys_get_401_problem(recruiter):
    key = issue_key(recruiter)
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    for presented in ["rk_000000000000_nothing", "not-a-key", tampered, ""]:
        response = key_client(presented).get("/api/v1/me/")
        assert response.status_code == 401, presented
        assert response["Content-Type"] == "application/problem+json"
        assert response["WWW-Authenticate"] == 'Api-Key realm="api"'


def test_a_revoked_key_gets_401(owner):
    with organization_context(owner.organization_id):
        api_key, key = api_key_create(actor=owner, name="Old", scopes=["read"])
    assert key_client(key).get("/api/v1/me/").status_code == 200
    with organization_context(owner.organization_id):
        api_key_revoke(actor=owner, api_key=api_key)
    assert key_client(key).get("/api/v1/me/").status_code == 401


def test_a_key_stops_working_when_its_member_leaves(owner, recruiter):
    key = issue_key(recruiter)
    with organization_context(owner.organization_id):
        recruiter.delete()
    assert key_client(key).get("/api/v1/me/").status_code == 401


def test_a_key_stops_working_when_its_user_is_deactivated(recruiter):
    key = issue_key(recruiter)
    recruiter.user.is_active = False
    recruiter.user.save(update_fields=["is_active"])
    assert key_client(key).get("/api/v1/me/").status_code == 401


def test_a_key_is_found_with_its_member_in_one_query(
    hiring_manager, django_assert_num_queries, django_assert_max_num_queries
):
    """The key, its member, their user, organization and client: one statement, the
    last-used time written on top once a minute."""
    key = issue_key(hiring_manager)
    with time_machine.travel("2026-11-02 10:00:00Z", tick=False):
        with django_assert_max_num_queries(2):
            api_key_authenticate(key=key)
        with django_assert_num_queries(1):
            api_key = api_key_authenticate(key=key)
        with django_assert_num_queries(0):
            member = api_key.membership
            assert (member.pk, member.user.email, member.client.name) == (
                hiring_manager.pk,
                hiring_manager.user.email,
                "Acme Robotics",
            )
            assert member.organization.pk == hiring_manager.organization_id


def test_a_key_of_another_organizations_prefix_finds_nothing_of_ours(owner, outsider):
    """A prefix names one key: a made-up key with our prefix but another secret is
    refused, and the other organization's key acts as its own member only."""
    ours = issue_key(owner)
    theirs = issue_key(outsider)
    tampered = ours.rsplit("_", 1)[0] + "_" + theirs.rsplit("_", 1)[1]
    assert api_key_authenticate(key=tampered) is None
    assert api_key_authenticate(key=theirs).membership.organization_id == outsider.organization_id


def test_a_read_key_cannot_write(api_for, recruiter):
    response = api_for(recruiter, scopes=["read"]).post(
        "/api/v1/clients/", {"name": "Initech"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "read-only" in response.json()["detail"]


def test_last_used_time_is_recorded_at_most_once_a_minute(owner):
    with organization_context(owner.organization_id):
        api_key, key = api_key_create(actor=owner, name="Sync", scopes=["read"])
    with time_machine.travel("2026-11-02 10:00:00Z", tick=False):
        assert api_key_authenticate(key=key).last_used_at.minute == 0
    with time_machine.travel("2026-11-02 10:00:30Z", tick=False):
        api_key_authenticate(key=key)
    with organization_context(owner.organization_id):
        api_key.refresh_from_db()
    assert api_key.last_used_at.second == 0
    with time_machine.travel("2026-11-02 10:01:30Z", tick=False):
        api_key_authenticate(key=key)
    with organization_context(owner.organization_id):
        api_key.refresh_from_db()
    assert (api_key.last_used_at.minute, api_key.last_used_at.second) == (1, 30)


def test_an_api_key_header_means_nothing_to_the_pages(recruiter):
    key = issue_key(recruiter)
    response = APIClient().get("/", HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert response.status_code == 302  # to the login page: pages need a session


# --- Settings page --------------------------------------------------------------------


def test_admin_creates_a_key_on_the_settings_page_and_sees_it_once(client_for, owner, recruiter):
    page = client_for(owner)
    response = page.post(
        reverse("accounts:api-keys"),
        {"name": "Lever sync", "scopes": ["read", "write"], "acting_as": str(recruiter.public_id)},
    )
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key
    assert key in response.content.decode()
    me = key_client(key).get("/api/v1/me/").json()
    assert me["membership"]["id"] == str(recruiter.public_id)
    assert key not in page.get(reverse("accounts:api-keys")).content.decode()


def test_the_settings_page_refuses_a_key_without_scope(client_for, owner):
    response = client_for(owner).post(
        reverse("accounts:api-keys"), {"name": "Nothing", "acting_as": str(owner.public_id)}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["scopes"]
    with organization_context(owner.organization_id):
        assert not ApiKey.objects.exists()


def test_the_settings_page_is_for_admins_only(client_for, recruiter):
    assert client_for(recruiter).get(reverse("accounts:api-keys")).status_code == 403


def test_admin_revokes_a_key_from_the_settings_page(client_for, owner):
    with organization_context(owner.organization_id):
        api_key, key = api_key_create(actor=owner, name="Sync", scopes=["read"])
    client_for(owner).post(reverse("accounts:api-key-revoke", args=[api_key.public_id]))
    assert key_client(key).get("/api/v1/me/").status_code == 401


def test_another_organizations_admin_can_neither_see_nor_revoke_a_key(client_for, owner, outsider):
    with organization_context(owner.organization_id):
        api_key, key = api_key_create(actor=owner, name="Sync", scopes=["read"])
    page = client_for(outsider)
    assert "Sync" not in page.get(reverse("accounts:api-keys")).content.decode()
    response = page.post(reverse("accounts:api-key-revoke", args=[api_key.public_id]))
    assert response.status_code == 404
    assert key_client(key).get("/api/v1/me/").status_code == 200


# --- Command ----------------------------------------------------------------------------


def test_create_api_key_command_prints_a_working_key(capsys, owner, recruiter):
    call_command(
        "create_api_key",
        "--org",
        owner.organization.slug,
        "--name",
        "ATS",
        "--scopes",
        "read,write",
        "--as",
        recruiter.user.email,
    )
    key = capsys.readouterr().out.strip()
    me = key_client(key).get("/api/v1/me/").json()
    assert me["membership"]["role"] == "recruiter"
    assert me["api_key"]["scopes"] == ["read", "write"]


def test_create_api_key_command_explains_bad_input(owner):
    slug = owner.organization.slug
    with pytest.raises(CommandError, match="No organization"):
        call_command("create_api_key", "--org", "nope", "--name", "x")
    with pytest.raises(CommandError, match="read, write"):
        call_command("create_api_key", "--org", slug, "--name", "x", "--scopes", "superuser")
    with pytest.raises(CommandError, match="not a member"):
        call_command("create_api_key", "--org", slug, "--name", "x", "--as", "who@else.test")


def test_the_prefix_lookup_reveals_that_one_key_and_nothing_else(owner, outsider):
    """Row-level security lets a key row through, outside any organization, only when
    its prefix is the one being looked up."""
    with organization_context(owner.organization_id):
        ours, _ = api_key_create(actor=owner, name="Ours", scopes=["read"])
    with organization_context(outsider.organization_id):
        theirs, _ = api_key_create(actor=outsider, name="Theirs", scopes=["read"])
    assert ApiKey.by_prefix.get_with_member(ours.prefix).pk == ours.pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('rapport.api_key_prefix', %s, true)", [ours.prefix])
        cursor.execute("SELECT prefix FROM accounts_apikey")
        assert [row[0] for row in cursor.fetchall()] == [ours.prefix]
    with connection.cursor() as cursor:
        # The test runs in one transaction, which the setting would outlive otherwise.
        cursor.execute("SELECT set_config('rapport.api_key_prefix', '', true)")
        cursor.execute("SELECT count(*) FROM accounts_apikey")
        assert cursor.fetchone()[0] == 0
    assert theirs.prefix != ours.prefix
