import re

from allauth.account.models import EmailAddress
from django.core import mail

from accounts.models import Membership, MembershipRole, Organization, User
from lib.tenancy import organization_context, user_context
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory


def _sign_up(client, email="nora@newagency.test"):
    return client.post(
        "/accounts/signup/",
        {
            "full_name": "Nora New",
            "agency_name": "New Agency Partners",
            "email": email,
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )


def test_sign_up_creates_an_agency_with_the_user_as_owner(client, db):
    response = _sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(email="nora@newagency.test")
    assert user.full_name == "Nora New"
    with user_context(user.pk):
        (membership,) = Membership.own.select_related("organization")
    assert membership.role == MembershipRole.OWNER
    assert membership.organization.name == "New Agency Partners"
    assert membership.organization.slug == "new-agency-partners"


def test_sign_up_sends_a_verification_email_and_login_waits_for_it(client, db):
    _sign_up(client)

    assert len(mail.outbox) == 1
    assert "nora@newagency.test" in mail.outbox[0].to
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    assert not EmailAddress.objects.get(email="nora@newagency.test").verified

    confirmation_path = link.split("testserver", 1)[-1]
    client.post(confirmation_path)
    assert EmailAddress.objects.get(email="nora@newagency.test").verified


def test_two_agencies_with_the_same_name_get_distinct_slugs(client, db):
    _sign_up(client, "first@a.test")
    _sign_up(client, "second@a.test")
    slugs = []
    for email in ("first@a.test", "second@a.test"):
        user = User.objects.get(email=email)
        with user_context(user.pk):
            slugs.append(Organization.objects.get().slug)
    assert slugs[0] == "new-agency-partners"
    assert slugs[1].startswith("new-agency-partners-")


def test_sign_up_with_bad_input_shows_form_errors_and_creates_nothing(client, db):
    response = client.post(
        "/accounts/signup/",
        {"full_name": "", "agency_name": "", "email": "not-an-email", "password1": "x"},
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert not User.objects.exists()


def _verified_member(email="ravi@northwind.test"):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return MembershipFactory(user=user)


def test_login_and_logout(client, db):
    membership = _verified_member()

    response = client.post(
        "/accounts/login/", {"login": "ravi@northwind.test", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert membership.organization.name.encode() in home.content

    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_login_with_a_wrong_password_is_refused(client, db):
    _verified_member()
    response = client.post(
        "/accounts/login/", {"login": "ravi@northwind.test", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"not correct" in response.content


def test_password_reset_sends_a_mail_with_a_working_link(client, db):
    _verified_member()
    client.post("/accounts/password/reset/", {"email": "ravi@northwind.test"})

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    response = client.get(link.group(0).split("testserver", 1)[-1], follow=True)
    assert response.status_code == 200
    assert b"password1" in response.content


def test_totp_setup_page_is_available_to_every_member(client, hiring_manager):
    email = hiring_manager.user.email
    EmailAddress.objects.create(user=hiring_manager.user, email=email, primary=True, verified=True)
    client.post("/accounts/login/", {"login": email, "password": DEFAULT_PASSWORD})
    # allauth asks for the password again before a security change.
    assert "/reauthenticate/" in client.get("/accounts/2fa/totp/activate/").url
    client.post("/accounts/reauthenticate/", {"password": DEFAULT_PASSWORD})

    response = client.get("/accounts/2fa/totp/activate/")

    assert response.status_code == 200
    assert b"svg" in response.content  # the QR code to scan


def test_switching_organization_is_remembered_in_the_session(
    client_for, organization, other_organization
):
    membership = MembershipFactory(organization=organization, role=MembershipRole.RECRUITER)
    MembershipFactory(
        organization=other_organization, user=membership.user, role=MembershipRole.ADMIN
    )
    client = client_for(membership)

    client.post("/organizations/switch/", {"organization": str(other_organization.id)})

    assert client.session["active_organization_id"] == str(other_organization.id)
    assert other_organization.name.encode() in client.get("/").content


def test_switching_to_an_organization_one_does_not_belong_to_is_refused(
    client_for, recruiter, other_organization
):
    client = client_for(recruiter)
    response = client.post(
        "/organizations/switch/", {"organization": str(other_organization.id)}, follow=True
    )
    assert b"not a member" in response.content
    assert client.session["active_organization_id"] == str(recruiter.organization_id)
    with organization_context(other_organization.id):
        assert not Membership.objects.filter(user=recruiter.user).exists()


def test_a_new_session_starts_in_the_organization_used_last(
    client, organization, other_organization
):
    membership = MembershipFactory(organization=organization, role=MembershipRole.RECRUITER)
    MembershipFactory(organization=other_organization, user=membership.user)
    EmailAddress.objects.create(
        user=membership.user, email=membership.user.email, primary=True, verified=True
    )
    credentials = {"login": membership.user.email, "password": DEFAULT_PASSWORD}
    client.post("/accounts/login/", credentials)
    client.post("/organizations/switch/", {"organization": str(other_organization.id)})
    client.post("/accounts/logout/")

    client.post("/accounts/login/", credentials)

    assert other_organization.name.encode() in client.get("/").content
