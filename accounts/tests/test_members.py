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


# --- Bounded: a page of members, each role changed on a page of its own --------------


def _add_members(organization, count, **fields):
    from tests.factories import MembershipFactory

    return [MembershipFactory(organization=organization, **fields) for _ in range(count)]


def test_the_members_page_shows_a_page_of_members_and_a_link_to_the_next(
    client_for, organization, owner
):
    from accounts.views import MEMBERS_PER_PAGE

    _add_members(organization, MEMBERS_PER_PAGE + 5)
    browser = client_for(owner)
    first = browser.get("/settings/members/")
    assert len(first.context["members"]) == MEMBERS_PER_PAGE
    assert first.content.count(b'class="button button--danger">Remove<') <= MEMBERS_PER_PAGE
    assert b'rel="next" href="?page=2"' in first.content
    second = browser.get("/settings/members/?page=2")
    assert len(second.context["members"]) == 6  # the owner and the five beyond the first page


def test_the_members_page_lists_no_client_picker_per_member(
    client_for, organization, owner, client_company
):
    """Each row shows its client as text; the only client picker is the invitation's."""
    _add_members(organization, 3, role=MembershipRole.HIRING_MANAGER, client=client_company)
    content = client_for(owner).get("/settings/members/").content.decode()
    assert content.count("<select") == 2  # the invitation's role and client
    assert content.count("Acme Robotics") == 1 + 3  # its option, then each member's row


def test_the_members_page_costs_the_same_queries_whatever_the_number_of_members(
    client_for, organization, owner, client_company, django_assert_max_num_queries
):
    from tests.factories import ClientFactory, InvitationFactory

    browser = client_for(owner)
    _add_members(organization, 2)
    # Session, user, memberships with their organizations; the clients for the invitation
    # form; the members' count and page (with users and clients); the pending
    # invitations; the layout's unread notifications.
    with django_assert_max_num_queries(8):
        assert browser.get("/settings/members/").status_code == 200
    _add_members(organization, 60, role=MembershipRole.HR, client=client_company)
    for _ in range(40):
        ClientFactory(organization=organization)
        InvitationFactory(organization=organization)
    with django_assert_max_num_queries(8):
        assert browser.get("/settings/members/").status_code == 200


def test_the_role_page_shows_the_members_role_and_client(
    client_for, admin, hiring_manager, client_company
):
    response = client_for(admin).get(f"/settings/members/{hiring_manager.public_id}/role/")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"role": MembershipRole.HIRING_MANAGER, "client": client_company}
    assert f'value="{client_company.public_id}" selected'.encode() in response.content


def test_an_admin_is_not_offered_the_owner_role_for_a_recruiter(client_for, admin, recruiter):
    content = client_for(admin).get(f"/settings/members/{recruiter.public_id}/role/").content
    assert b'value="owner"' not in content
    assert b'value="admin"' in content


def test_an_admin_makes_a_recruiter_the_hiring_manager_of_a_client(
    client_for, admin, recruiter, client_company
):
    response = client_for(admin).post(
        f"/settings/members/{recruiter.public_id}/role/",
        {"role": "hiring_manager", "client": str(client_company.public_id)},
    )
    assert response.status_code == 302
    with organization_context(recruiter.organization_id):
        changed = Membership.objects.get(pk=recruiter.pk)
    assert (changed.role, changed.client_id) == (MembershipRole.HIRING_MANAGER, client_company.pk)


def test_a_hiring_manager_without_a_client_is_refused_on_the_role_page(
    client_for, admin, recruiter
):
    response = client_for(admin).post(
        f"/settings/members/{recruiter.public_id}/role/", {"role": "hiring_manager"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors
    assert _role_of(recruiter) == MembershipRole.RECRUITER


def test_another_organizations_client_cannot_be_chosen_or_seen(
    client_for, admin, recruiter, other_organization
):
    from tests.factories import ClientFactory

    theirs = ClientFactory(organization=other_organization, name="Their Client")
    page = client_for(admin).get(f"/settings/members/{recruiter.public_id}/role/")
    assert b"Their Client" not in page.content
    response = client_for(admin).post(
        f"/settings/members/{recruiter.public_id}/role/",
        {"role": "hr", "client": str(theirs.public_id)},
    )
    assert response.status_code == 400
    assert _role_of(recruiter) == MembershipRole.RECRUITER


def test_another_organizations_admin_gets_404_for_a_members_role_page(
    client_for, outsider, recruiter
):
    assert (
        client_for(outsider).get(f"/settings/members/{recruiter.public_id}/role/").status_code
        == 404
    )


def test_the_role_page_costs_the_same_queries_whatever_the_number_of_clients(
    client_for, organization, admin, recruiter, django_assert_max_num_queries
):
    from tests.factories import ClientFactory

    browser = client_for(admin)
    url = f"/settings/members/{recruiter.public_id}/role/"
    # Session, user, memberships with their organizations; the member with its user; the
    # clients; the layout's unread notifications.
    with django_assert_max_num_queries(6):
        assert browser.get(url).status_code == 200
    for _ in range(30):
        ClientFactory(organization=organization)
    with django_assert_max_num_queries(6):
        assert browser.get(url).status_code == 200
