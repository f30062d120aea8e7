import pytest

from accounts.models import Membership, MembershipRole
from lib.tenancy import organization_context


def _role_of(membership):
    with organization_context(membership.organization_id):
        return Membership.objects.get(pk=membership.pk).role


def test_members_page_lists_only_this_organizations_people(client_for, owner, recruiter, outsider):
    content = client_for(owner).get("/settings/members/").content
    assert recruiter.user.email.encode() in content
    assert outsider.user.email.encode() not in content


def test_admin_changes_a_members_role(client_for, admin, recruiter):
    response = client_for(admin).post(
        f"/settings/members/{recruiter.public_id}/role/", {"role": "admin"}
    )
    assert response.status_code == 302
    assert _role_of(recruiter) == MembershipRole.ADMIN


def test_an_unknown_role_is_refused_with_a_message(client_for, admin, recruiter):
    response = client_for(admin).post(
        f"/settings/members/{recruiter.public_id}/role/", {"role": "emperor"}, follow=True
    )
    assert b"Choose a role" in response.content
    assert _role_of(recruiter) == MembershipRole.RECRUITER


def test_an_admin_cannot_demote_an_owner(client_for, admin, owner):
    response = client_for(admin).post(
        f"/settings/members/{owner.public_id}/role/", {"role": "recruiter"}, follow=True
    )
    assert b"Only an owner" in response.content
    assert _role_of(owner) == MembershipRole.OWNER


def test_the_last_owner_cannot_step_down(client_for, owner):
    response = client_for(owner).post(
        f"/settings/members/{owner.public_id}/role/", {"role": "admin"}, follow=True
    )
    assert b"at least one owner" in response.content
    assert _role_of(owner) == MembershipRole.OWNER


def test_owner_removes_a_member(client_for, owner, recruiter):
    client_for(owner).post(f"/settings/members/{recruiter.public_id}/remove/")
    with organization_context(owner.organization_id):
        assert not Membership.objects.filter(pk=recruiter.pk).exists()


@pytest.mark.parametrize("action", ["role", "remove"])
def test_another_organizations_admin_gets_404_for_our_members(
    client_for, outsider, recruiter, action
):
    response = client_for(outsider).post(
        f"/settings/members/{recruiter.public_id}/{action}/", {"role": "owner"}
    )
    assert response.status_code == 404
    assert _role_of(recruiter) == MembershipRole.RECRUITER


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "hr"])
def test_non_admins_cannot_change_roles(client_for, organization, recruiter, role):
    from tests.factories import MembershipFactory

    actor = MembershipFactory(organization=organization, role=role)
    response = client_for(actor).post(
        f"/settings/members/{recruiter.public_id}/role/", {"role": "owner"}
    )
    assert response.status_code == 403
    assert _role_of(recruiter) == MembershipRole.RECRUITER


def test_organization_settings_are_saved_and_validated(client_for, owner):
    client = client_for(owner)
    bad = client.post("/settings/organization/", {"name": "", "timezone": "Mars/Base"})
    assert bad.status_code == 400
    good = client.post(
        "/settings/organization/", {"name": "Northwind Talent Ltd", "timezone": "America/Chicago"}
    )
    assert good.status_code == 302
    with organization_context(owner.organization_id):
        owner.organization.refresh_from_db()
    assert (owner.organization.name, owner.organization.timezone) == (
        "Northwind Talent Ltd",
        "America/Chicago",
    )


def test_a_user_without_any_membership_sees_a_helpful_home(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert b"belong to an agency yet" in response.content
