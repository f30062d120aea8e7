from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, MembershipRole, User
from accounts.tasks import send_invitation_email
from lib.tenancy import organization_context
from tests.factories import ContactFactory, MembershipFactory, UserFactory


def _invite(
    owner, email="newbie@example.test", role=MembershipRole.RECRUITER, client=None
) -> tuple[Invitation, str]:
    with organization_context(owner.organization_id):
        invitation = services.invitation_create(actor=owner, email=email, role=role, client=client)
    return invitation, services.invitation_token(invitation)


def test_admin_invites_from_the_members_page_and_the_mail_goes_out_after_commit(
    client_for, owner, client_company, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(owner).post(
            "/settings/members/",
            {"email": "Colleague@Example.test", "role": "hr", "client": client_company.public_id},
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    with organization_context(owner.organization_id):
        invitation = Invitation.objects.get()
    assert invitation.email == "colleague@example.test"

    send_invitation_email(str(owner.organization_id), invitation.pk)  # what the worker runs

    (message,) = mail.outbox
    assert message.to == ["colleague@example.test"]
    assert owner.organization.name in message.subject
    assert services.invitation_token(invitation) in message.body
    assert message.alternatives[0][1] == "text/html"


def test_inviting_with_bad_input_shows_field_errors(client_for, owner):
    response = client_for(owner).post("/settings/members/", {"email": "nope", "role": "pope"})
    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content
    assert b"Select a valid choice" in response.content


def test_inviting_an_existing_member_is_refused_with_a_form_error(client_for, owner, recruiter):
    response = client_for(owner).post(
        "/settings/members/", {"email": recruiter.user.email, "role": "recruiter"}
    )
    assert response.status_code == 400
    assert b"already a member" in response.content


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "hr"])
def test_only_owners_and_admins_can_open_the_members_page(client_for, organization, role):
    membership = MembershipFactory(organization=organization, role=role)
    assert client_for(membership).get("/settings/members/").status_code == 403


def test_admin_cannot_invite_an_owner(admin):
    with pytest.raises(services.PermissionDenied):
        _invite(admin, role=MembershipRole.OWNER)


def test_a_new_user_accepts_by_choosing_a_password(client, owner, client_company):
    contact = ContactFactory(
        organization=owner.organization, client=client_company, email="newbie@example.test"
    )
    invitation, token = _invite(owner, role=MembershipRole.HIRING_MANAGER, client=client_company)

    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert owner.organization.name.encode() in page.content

    response = client.post(
        f"/invitations/{token}/",
        {
            "full_name": "Nia Newbie",
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="newbie@example.test")
    with organization_context(owner.organization_id):
        membership = Membership.objects.get(user=user)
        invitation.refresh_from_db()
        contact.refresh_from_db()
    assert membership.role == MembershipRole.HIRING_MANAGER
    assert membership.client_id == client_company.pk
    assert contact.user == user  # the client's contact record is now this login
    assert invitation.accepted_by == user
    assert client.get("/").status_code == 200  # signed in


def test_a_new_user_with_mismatched_passwords_gets_a_form_error(client, owner):
    _, token = _invite(owner)
    response = client.post(
        f"/invitations/{token}/",
        {"full_name": "Nia", "password1": "another-long-passphrase", "password2": "different-one"},
    )
    assert response.status_code == 400
    assert b"differ" in response.content
    assert not User.objects.filter(email="newbie@example.test").exists()


def test_an_existing_user_signs_in_and_joins_a_second_agency(client, owner, other_organization):
    person = MembershipFactory(
        organization=other_organization, user=UserFactory(email="busy@example.test")
    ).user
    _, token = _invite(owner, email="busy@example.test")

    anonymous = client.post(f"/invitations/{token}/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous.url

    client.force_login(person)
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    with organization_context(owner.organization_id):
        assert Membership.objects.get(user=person).role == MembershipRole.RECRUITER
    assert client.session["active_organization_id"] == str(owner.organization_id)


def test_an_invitation_for_another_address_is_refused(client, owner, recruiter):
    _, token = _invite(owner, email="someone@example.test")
    UserFactory(email="someone@example.test")
    client.force_login(recruiter.user)
    response = client.post(f"/invitations/{token}/", follow=True)
    assert b"sign in with that address" in response.content


def test_a_used_invitation_cannot_be_used_again(client, owner):
    _, token = _invite(owner)
    payload = {
        "full_name": "N",
        "password1": "another-long-passphrase",
        "password2": "another-long-passphrase",
    }
    client.post(f"/invitations/{token}/", payload)
    client.logout()

    again = client.get(f"/invitations/{token}/")
    assert again.status_code == 410
    assert b"already used" in again.content


def test_an_expired_invitation_gives_a_clear_error(client, owner):
    _, token = _invite(owner)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(f"/invitations/{token}/")
    assert response.status_code == 410
    assert b"expired" in response.content


def test_a_withdrawn_invitation_gives_a_clear_error(client_for, client, owner):
    invitation, token = _invite(owner)
    client_for(owner).post(f"/settings/invitations/{invitation.public_id}/revoke/")
    response = client.get(f"/invitations/{token}/")
    assert response.status_code == 410
    assert b"withdrawn" in response.content


def test_an_unknown_token_is_not_found(client, db):
    assert client.get("/invitations/made-up-token/").status_code == 404


def test_inviting_again_replaces_the_pending_invitation(owner):
    first, _ = _invite(owner)
    _invite(owner)
    with organization_context(owner.organization_id):
        first.refresh_from_db()
    assert first.revoked_at is not None


def test_accepting_twice_at_once_creates_one_membership(owner):
    invitation, _ = _invite(owner)
    user = UserFactory(email="newbie@example.test")
    services.invitation_accept(invitation=invitation, user=user)
    with pytest.raises(services.ApplicationError, match="already used"):
        services.invitation_accept(invitation=invitation, user=user)


def test_another_organizations_admin_cannot_revoke_an_invitation(client_for, owner, outsider):
    invitation, _ = _invite(owner)
    response = client_for(outsider).post(f"/settings/invitations/{invitation.public_id}/revoke/")
    assert response.status_code == 404
    with organization_context(owner.organization_id):
        invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_invitation_mail_is_not_sent_for_a_withdrawn_invitation(owner):
    invitation, _ = _invite(owner)
    with organization_context(owner.organization_id):
        services.invitation_revoke(actor=owner, invitation=invitation)
    send_invitation_email(str(owner.organization_id), invitation.pk)
    assert mail.outbox == []


def test_the_invitation_task_run_for_another_organization_finds_nothing(owner, other_organization):
    invitation, _ = _invite(owner)
    send_invitation_email(str(other_organization.id), invitation.pk)
    assert mail.outbox == []


def test_login_page_after_accepting_works_with_the_chosen_password(client, owner):
    _, token = _invite(owner)
    client.post(
        f"/invitations/{token}/",
        {
            "full_name": "N",
            "password1": "another-long-passphrase",
            "password2": "another-long-passphrase",
        },
    )
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "newbie@example.test", "password": "another-long-passphrase"}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_a_hiring_manager_invitation_needs_a_client(client_for, owner):
    response = client_for(owner).post(
        "/settings/members/", {"email": "hm@example.test", "role": "hiring_manager"}
    )
    assert response.status_code == 400
    assert b"Choose the client" in response.content


def test_an_invitation_cannot_bind_another_organizations_client(owner, other_organization):
    from tests.factories import ClientFactory

    foreign = ClientFactory(organization=other_organization)
    with pytest.raises(services.PermissionDenied):
        _invite(owner, role=MembershipRole.HR, client=foreign)


def test_the_invitation_form_offers_only_this_organizations_clients(
    client_for, owner, client_company, other_organization
):
    from tests.factories import ClientFactory

    foreign = ClientFactory(organization=other_organization, name="Outsider Client")
    browser = client_for(owner)
    assert "Outsider Client" not in browser.get("/settings/members/").content.decode()

    response = browser.post(
        "/settings/members/",
        {"email": "hr@example.test", "role": "hr", "client": foreign.public_id},
    )
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    with organization_context(owner.organization_id):
        assert not Invitation.objects.exists()
