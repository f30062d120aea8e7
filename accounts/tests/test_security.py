"""An organization's security policies: two-factor enrolment, sessions, idle timeout."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import DeactivateTOTPForm
from allauth.usersessions.models import UserSession
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts import security
from accounts.models import (
    IdleTimeout,
    MfaPolicy,
    Organization,
    SecurityEvent,
    SecurityEventKind,
)
from lib.exceptions import ApplicationError, PermissionDenied
from lib.tenancy import organization_context
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, totp_enrol

STAFF_ROLES = ["owner", "admin", "recruiter"]
CLIENT_ROLES = ["hiring_manager", "hr"]


def _set_policy(organization, *, mfa=MfaPolicy.OFF, idle=IdleTimeout.OFF):
    with organization_context(organization.id):
        Organization.objects.filter(pk=organization.pk).update(
            mfa_policy=mfa, idle_timeout_minutes=idle
        )


def _sign_in(membership, *, user_agent="Firefox on a laptop") -> Client:
    """A browser signed in through allauth's sign-in form: a session with its row in
    the session list, as a person's sign-in makes one."""
    user = membership.user
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    browser = Client(HTTP_USER_AGENT=user_agent)
    response = browser.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return browser


def _events(organization, kind: str) -> list[SecurityEvent]:
    """The organization's security log entries of `kind`, oldest first."""
    with organization_context(organization.id):
        return list(SecurityEvent.objects.filter(kind=kind).order_by("sequence"))


def _policy_changes(organization) -> list[dict]:
    return [
        {"target": event.target, **event.details}
        for event in _events(organization, SecurityEventKind.SECURITY_POLICY_CHANGED)
    ]


# --- The policy, set by owners and admins ---------------------------------------------


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_an_owner_or_admin_sets_the_policies_on_the_security_page(
    request, client_for, organization, role
):
    actor = request.getfixturevalue(role)
    browser = client_for(actor)
    assert browser.get("/settings/security/").status_code == 200

    response = browser.post(
        "/settings/security/", {"mfa_policy": "everyone", "idle_timeout_minutes": "60"}
    )

    assert response.status_code == 302
    with organization_context(organization.id):
        organization.refresh_from_db()
    assert organization.mfa_policy == MfaPolicy.EVERYONE
    assert organization.idle_timeout_minutes == 60
    assert _policy_changes(organization) == [
        {"target": "mfa_policy", "before": "off", "after": "everyone"},
        {"target": "idle_timeout_minutes", "before": "0", "after": "60"},
    ]
    assert {e.actor_id for e in _events(organization, "security_policy.changed")} == {actor.user_id}


def test_saving_the_same_policies_again_records_nothing(owner, organization):
    security.security_policy_update(
        actor=owner, mfa_policy=MfaPolicy.OFF, idle_timeout_minutes=IdleTimeout.OFF
    )
    assert _policy_changes(organization) == []


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "hr"])
def test_other_roles_cannot_see_or_change_the_policies(request, client_for, organization, role):
    actor = request.getfixturevalue(role)
    browser = client_for(actor)

    assert browser.get("/settings/security/").status_code == 403
    response = browser.post(
        "/settings/security/", {"mfa_policy": "off", "idle_timeout_minutes": "15"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        security.security_policy_update(
            actor=actor, mfa_policy=MfaPolicy.OFF, idle_timeout_minutes=15
        )
    with organization_context(organization.id):
        organization.refresh_from_db()
    assert organization.idle_timeout_minutes == 0


def test_a_policy_not_on_the_list_is_a_form_error(client_for, owner):
    response = client_for(owner).post(
        "/settings/security/", {"mfa_policy": "sometimes", "idle_timeout_minutes": "7"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["mfa_policy"] == ["Choose a two-factor policy from the list."]
    assert errors["idle_timeout_minutes"] == ["Choose a timeout from the list."]


def test_the_service_refuses_a_value_not_on_the_list(owner):
    with pytest.raises(ValidationError) as refused:
        security.security_policy_update(actor=owner, mfa_policy="off", idle_timeout_minutes=7)
    assert "idle_timeout_minutes" in refused.value.message_dict


def test_the_security_page_is_an_admin_tab_of_settings(client_for, owner):
    content = client_for(owner).get("/settings/organization/").content.decode()
    assert 'href="/settings/security/"' in content


# --- Whom two-factor authentication is required of --------------------------------


@pytest.mark.parametrize(
    ("policy", "required_of"),
    [
        (MfaPolicy.OFF, set()),
        (MfaPolicy.STAFF, set(STAFF_ROLES)),
        (MfaPolicy.EVERYONE, set(STAFF_ROLES + CLIENT_ROLES)),
    ],
)
def test_the_policy_says_whom_two_factor_is_required_of(request, organization, policy, required_of):
    _set_policy(organization, mfa=policy)
    for role in STAFF_ROLES + CLIENT_ROLES:
        membership = request.getfixturevalue(role)
        with organization_context(organization.id):
            organization.refresh_from_db()
        membership.organization = organization
        assert security.mfa_required(membership) is (role in required_of), role


# --- Enrolment, enforced by the middleware ---------------------------------------------


def test_a_member_without_an_authenticator_reaches_only_the_enrolment(
    client_for, organization, recruiter
):
    _set_policy(organization, mfa=MfaPolicy.STAFF)
    browser = client_for(recruiter)

    for path in ("/", "/roles/", "/accounts/email/", "/accounts/sessions/"):
        response = browser.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/security/two-factor/?next="), path
    refused = browser.post("/clients/new/", {"name": "Sneaky"})
    assert refused.status_code == 302
    assert refused["Location"] == "/security/two-factor/"

    guide = browser.get("/security/two-factor/?next=/roles/")
    assert guide.status_code == 200
    assert "Northwind Talent requires two-factor authentication" in guide.content.decode()
    assert browser.get("/accounts/2fa/").status_code == 200
    # allauth's activation page answers (it may first ask to confirm the password).
    assert browser.get("/accounts/2fa/totp/activate/").status_code in (200, 302)
    activate = browser.get("/accounts/2fa/totp/activate/")
    if activate.status_code == 302:
        assert activate["Location"].startswith("/accounts/reauthenticate/")


def test_an_htmx_request_is_sent_to_the_enrolment_as_a_whole_page(
    client_for, organization, recruiter
):
    _set_policy(organization, mfa=MfaPolicy.STAFF)
    response = client_for(recruiter).get("/roles/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/security/two-factor/"


def test_the_api_is_not_sent_through_enrolment(client_for, organization, recruiter):
    _set_policy(organization, mfa=MfaPolicy.STAFF)
    response = client_for(recruiter).get("/api/v1/me/")
    assert response.status_code == 200


def test_once_enrolled_the_member_reaches_every_page(client_for, organization, recruiter):
    _set_policy(organization, mfa=MfaPolicy.STAFF)
    totp_enrol(recruiter.user)
    browser = client_for(recruiter)
    assert browser.get("/roles/").status_code == 200
    guide = browser.get("/security/two-factor/?next=/roles/")
    assert "Two-factor authentication is on" in guide.content.decode()
    assert 'href="/roles/"' in guide.content.decode()


def test_the_guide_does_not_send_anyone_to_another_site(client_for, organization, recruiter):
    totp_enrol(recruiter.user)
    guide = client_for(recruiter).get("/security/two-factor/?next=https://evil.test/")
    assert "evil.test" not in guide.content.decode()


@pytest.mark.parametrize(
    ("policy", "sent_to_enrol"), [(MfaPolicy.STAFF, False), (MfaPolicy.EVERYONE, True)]
)
@pytest.mark.parametrize("role", CLIENT_ROLES)
def test_hiring_managers_and_hr_enrol_only_when_every_member_must(
    request, client_for, organization, role, policy, sent_to_enrol
):
    _set_policy(organization, mfa=policy)
    response = client_for(request.getfixturevalue(role)).get("/roles/")
    assert (response.status_code == 302) is sent_to_enrol


def test_the_active_organizations_policy_applies(client_for, organization, other_organization):
    _set_policy(organization, mfa=MfaPolicy.EVERYONE)
    strict = MembershipFactory(organization=organization, role="recruiter")
    relaxed = MembershipFactory(organization=other_organization, role="owner", user=strict.user)

    assert client_for(relaxed).get("/roles/").status_code == 200
    assert client_for(strict).get("/roles/").status_code == 302


# --- The last authenticator stays while required --------------------------------------


def test_removing_the_last_authenticator_is_refused_while_required(organization, recruiter):
    _set_policy(organization, mfa=MfaPolicy.STAFF)
    totp_enrol(recruiter.user)
    authenticator = Authenticator.objects.get(user=recruiter.user, type="totp")

    form = DeactivateTOTPForm(data={}, authenticator=authenticator)

    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Northwind Talent requires two-factor authentication, so your authenticator app "
        "cannot be removed."
    ]


def test_removing_it_is_refused_while_any_organization_of_the_user_requires_it(
    organization, other_organization
):
    _set_policy(other_organization, mfa=MfaPolicy.EVERYONE)
    member = MembershipFactory(organization=organization, role="owner")
    MembershipFactory(organization=other_organization, role="hr", user=member.user)
    totp_enrol(member.user)
    authenticator = Authenticator.objects.get(user=member.user, type="totp")

    assert not DeactivateTOTPForm(data={}, authenticator=authenticator).is_valid()


def test_removing_it_is_allowed_when_no_organization_requires_it(organization, hiring_manager):
    _set_policy(organization, mfa=MfaPolicy.STAFF)
    totp_enrol(hiring_manager.user)
    authenticator = Authenticator.objects.get(user=hiring_manager.user, type="totp")
    assert DeactivateTOTPForm(data={}, authenticator=authenticator).is_valid()


# --- Sessions ------------------------------------------------------------------------


def test_a_user_sees_their_sessions_and_signs_out_the_others(recruiter, organization):
    laptop = _sign_in(recruiter, user_agent="Firefox on a laptop")
    phone = _sign_in(recruiter, user_agent="Safari on a phone")

    page = laptop.get("/accounts/sessions/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "Firefox on a laptop" in content
    assert "Safari on a phone" in content
    assert "This session" in content

    assert laptop.post("/accounts/sessions/").status_code == 302

    assert [s.user_agent for s in UserSession.objects.filter(user=recruiter.user)] == [
        "Firefox on a laptop"
    ]
    assert phone.get("/roles/")["Location"].startswith("/accounts/login/")
    assert laptop.get("/roles/").status_code == 200
    (event,) = _events(organization, SecurityEventKind.SESSIONS_REVOKED)
    assert (event.actor_id, event.target, event.details["count"]) == (
        recruiter.user_id,
        recruiter.user.email,
        1,
    )


def test_an_admin_sees_a_members_sessions_and_signs_them_all_out(
    client_for, admin, recruiter, organization
):
    member_browser = _sign_in(recruiter, user_agent="Chrome on the office PC")
    _sign_in(recruiter, user_agent="Safari on a phone")
    browser = client_for(admin)

    members = browser.get("/settings/members/").content.decode()
    assert f"/settings/members/{recruiter.public_id}/sessions/" in members
    page = browser.get(f"/settings/members/{recruiter.public_id}/sessions/")
    assert page.status_code == 200
    assert "Chrome on the office PC" in page.content.decode()
    assert "Safari on a phone" in page.content.decode()

    response = browser.post(f"/settings/members/{recruiter.public_id}/sessions/end/")

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "recruiter@northwind.test is signed out of 2 sessions."
    ]
    assert not UserSession.objects.filter(user=recruiter.user).exists()
    assert member_browser.get("/roles/")["Location"].startswith("/accounts/login/")
    (event,) = _events(organization, SecurityEventKind.SESSIONS_REVOKED)
    assert (event.actor_id, event.target) == (admin.user_id, recruiter.user.email)
    assert event.details == {"reason": "signed out by an admin", "count": 2}


def test_an_admin_does_not_sign_themselves_out_from_the_members_page(client_for, admin):
    _sign_in(admin)
    with pytest.raises(ApplicationError):
        security.member_sessions_end(actor=admin, membership=admin)
    assert UserSession.objects.filter(user=admin.user).exists()


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "hr"])
def test_other_roles_cannot_see_or_end_a_members_sessions(request, client_for, owner, role):
    _sign_in(owner)
    browser = client_for(request.getfixturevalue(role))

    assert browser.get(f"/settings/members/{owner.public_id}/sessions/").status_code == 403
    response = browser.post(f"/settings/members/{owner.public_id}/sessions/end/")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        security.member_sessions_end(actor=request.getfixturevalue(role), membership=owner)
    assert UserSession.objects.filter(user=owner.user).exists()


def test_an_admin_of_another_organization_cannot_see_or_end_a_members_sessions(
    client_for, recruiter, outsider
):
    _sign_in(recruiter)
    browser = client_for(outsider)

    assert browser.get(f"/settings/members/{recruiter.public_id}/sessions/").status_code == 404
    response = browser.post(f"/settings/members/{recruiter.public_id}/sessions/end/")
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        security.member_sessions_end(actor=outsider, membership=recruiter)
    assert UserSession.objects.filter(user=recruiter.user).exists()


def test_the_members_page_says_who_has_two_factor_on(client_for, owner, recruiter):
    totp_enrol(recruiter.user)
    browser = client_for(owner)
    response = browser.get("/settings/members/")
    rows = {m.user.email: m.has_mfa for m in response.context["members"]}
    assert rows == {"owner@northwind.test": False, "recruiter@northwind.test": True}


# --- The idle timeout ---------------------------------------------------------------


def test_a_request_after_the_idle_period_signs_the_user_out(organization, recruiter):
    _set_policy(organization, idle=IdleTimeout.QUARTER_HOUR)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _sign_in(recruiter)
        clock.shift(timedelta(minutes=14))
        assert browser.get("/roles/").status_code == 200  # active again: the clock restarts
        clock.shift(timedelta(minutes=14))
        assert browser.get("/roles/").status_code == 200
        clock.shift(timedelta(minutes=15, seconds=1))
        response = browser.get("/roles/?status=all")

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=%2Froles%2F%3Fstatus%3Dall"
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "You were signed out after 15 minutes without activity. Sign in again to carry on."
        ]
        assert not UserSession.objects.filter(user=recruiter.user).exists()
        assert browser.get("/roles/")["Location"].startswith("/accounts/login/")
    (event,) = _events(organization, SecurityEventKind.SESSIONS_REVOKED)
    assert (event.actor_id, event.target) == (None, recruiter.user.email)
    assert event.details == {"reason": "idle_timeout", "idle_timeout_minutes": 15}


def test_an_idle_session_calling_the_api_is_refused_rather_than_redirected(organization, recruiter):
    _set_policy(organization, idle=IdleTimeout.QUARTER_HOUR)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _sign_in(recruiter)
        assert browser.get("/api/v1/me/").status_code == 200
        clock.shift(timedelta(minutes=16))
        assert browser.get("/api/v1/me/").status_code in (401, 403)
        assert browser.get("/roles/")["Location"].startswith("/accounts/login/")


def test_without_a_timeout_an_idle_session_stays_signed_in(organization, recruiter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _sign_in(recruiter)
        clock.shift(timedelta(days=3))
        assert browser.get("/roles/").status_code == 200


def test_the_active_organizations_timeout_applies(organization, other_organization):
    _set_policy(organization, idle=IdleTimeout.QUARTER_HOUR)
    member = MembershipFactory(organization=other_organization, role="owner")
    MembershipFactory(organization=organization, role="recruiter", user=member.user)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _sign_in(member)
        browser.post("/organizations/switch/", {"organization": str(other_organization.id)})
        clock.shift(timedelta(hours=2))
        assert browser.get("/roles/").status_code == 200


def test_last_seen_is_written_at_most_once_a_minute(organization, recruiter):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _sign_in(recruiter)
        seen = UserSession.objects.get(user=recruiter.user).last_seen_at
        clock.shift(timedelta(seconds=30))
        browser.get("/roles/")
        assert UserSession.objects.get(user=recruiter.user).last_seen_at == seen
        clock.shift(timedelta(seconds=31))
        browser.get("/roles/")
        assert UserSession.objects.get(user=recruiter.user).last_seen_at == start + timedelta(
            seconds=61
        )
