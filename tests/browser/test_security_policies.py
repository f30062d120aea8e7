"""An organization's security policies in a real browser, at a desktop's and a phone's size:
an owner requires two-factor authentication and is walked through enrolment (the guide,
allauth's authenticator app, the recovery codes), then signs in with a code; a member
signs out their other sessions, and an admin signs a member out everywhere."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import field, sign_in, user_menu
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    totp_code,
)

pytestmark = pytest.mark.browser

SIZES = {"desktop": DESKTOP, "phone": PHONE}
OWNER_EMAIL = "olivia.owner@northwind.test"
RECRUITER_EMAIL = "rita.recruiter@northwind.test"
HM_EMAIL = "hana.hm@northwind.test"


def _member(organization, role: str, email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return MembershipFactory(organization=organization, role=role, user=user)


@pytest.fixture
def agency():
    organization = OrganizationFactory(name="Northwind Talent")
    return {
        "owner": _member(organization, "owner", OWNER_EMAIL),
        "recruiter": _member(organization, "recruiter", RECRUITER_EMAIL),
        "hiring_manager": _member(organization, "hiring_manager", HM_EMAIL),
    }


def settings_tabs(page: Page):
    return page.get_by_role("navigation", name="Settings")


def assert_fits_and_passes_axe(page: Page) -> None:
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_an_owner_requires_two_factor_and_is_walked_through_enrolment(
    browser_users, screenshots, agency, settings, size
):
    # A code typed as the app's 30-second step turns over is still taken.
    settings.MFA_TOTP_TOLERANCE = 1
    page = browser_users.new_page(viewport=SIZES[size])
    sign_in(page, OWNER_EMAIL, screenshots, f"security-{size}-login")

    user_menu(page).get_by_role("link", name="Settings").click()
    settings_tabs(page).get_by_role("link", name="Security", exact=True).click()
    expect(page.get_by_role("heading", name="Security", exact=True)).to_be_visible()
    assert_fits_and_passes_axe(page)
    page.get_by_label(re.compile("Required for the agency's people")).check()
    page.get_by_label("Sign out after inactivity").select_option(label="8 hours")
    screenshots.take(page, f"security-{size}-policy")
    page.get_by_role("button", name="Save").click()

    # The owner has no authenticator: the guide, and nothing else, until there is one.
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("Northwind Talent requires two-factor authentication")).to_be_visible()
    assert_fits_and_passes_axe(page)
    screenshots.take(page, f"security-{size}-guide")
    page.goto("/candidates/")
    expect(page).to_have_url(re.compile(r"/security/two-factor/\?next=%2Fcandidates%2F$"))

    page.get_by_role("link", name="Set up the authenticator app").click()
    # allauth asks for the password again before adding an authenticator.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    field(page, "Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    screenshots.take(page, f"security-{size}-activate")
    field(page, "Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    codes = page.get_by_label(re.compile("Unused codes"))
    expect(codes).to_be_visible()
    assert len(codes.input_value().split()) == 10
    assert_fits_and_passes_axe(page)
    screenshots.take(page, f"security-{size}-recovery-codes")

    page.goto("/candidates/")
    expect(page.get_by_role("heading", name="Candidates", exact=True)).to_be_visible()

    # The last authenticator stays while the organization requires one.
    page.goto("/accounts/2fa/totp/deactivate/")
    expect(
        page.get_by_text("your authenticator app cannot be removed", exact=False)
    ).to_be_visible()
    page.get_by_role("button", name="Deactivate").click()
    expect(
        page.get_by_text("your authenticator app cannot be removed", exact=False)
    ).to_be_visible()
    screenshots.take(page, f"security-{size}-deactivation-refused")

    # Signing in again asks for a code from the app.
    user_menu(page).get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    field(page, "Email").fill(OWNER_EMAIL)
    field(page, "Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    field(page, "Code").fill(totp_code(secret))
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.locator("details.user-menu")).to_be_attached()
    page.goto("/candidates/")
    expect(page.get_by_role("heading", name="Candidates", exact=True)).to_be_visible()

    # A recruiter is walked through it at sign-in; a hiring manager is not asked.
    recruiter = browser_users.new_page(viewport=SIZES[size])
    sign_in(recruiter, RECRUITER_EMAIL, screenshots, f"security-{size}-recruiter-login")
    expect(
        recruiter.get_by_role("heading", name="Set up two-factor authentication")
    ).to_be_visible()
    hiring_manager = browser_users.new_page(viewport=SIZES[size])
    sign_in(hiring_manager, HM_EMAIL, screenshots, f"security-{size}-hm-login")
    expect(hiring_manager).to_have_url(re.compile(r"/$"))
    expect(
        hiring_manager.get_by_role("heading", name="Set up two-factor authentication")
    ).to_have_count(0)
    assert browser_users.errors == []


@pytest.mark.parametrize("size", SIZES)
def test_sessions_are_listed_and_signed_out(browser_users, screenshots, agency, size):
    laptop = browser_users.new_page(viewport=DESKTOP)
    sign_in(laptop, RECRUITER_EMAIL, screenshots, f"sessions-{size}-laptop-login")
    phone = browser_users.new_page(viewport=SIZES[size])
    sign_in(phone, RECRUITER_EMAIL, screenshots, f"sessions-{size}-phone-login")

    # The recruiter, on the phone, sees both sessions and signs the laptop out.
    user_menu(phone).get_by_role("link", name="Account").click()
    phone.get_by_role("navigation", name="Account settings").get_by_role(
        "link", name="Sessions"
    ).click()
    expect(phone.get_by_role("heading", name="Sessions")).to_be_visible()
    rows = phone.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="This session")).to_have_count(1)
    assert_fits_and_passes_axe(phone)
    screenshots.take(phone, f"sessions-{size}-own-list")
    phone.get_by_role("button", name="Sign out other sessions").click()
    expect(phone.locator("tbody tr")).to_have_count(1)
    laptop.goto("/roles/")
    expect(laptop).to_have_url(re.compile(r"/accounts/login/"))

    # The owner signs the recruiter out of every session from the members list.
    owner = browser_users.new_page(viewport=SIZES[size])
    sign_in(owner, OWNER_EMAIL, screenshots, f"sessions-{size}-owner-login")
    user_menu(owner).get_by_role("link", name="Settings").click()
    settings_tabs(owner).get_by_role("link", name="Members").click()
    owner.get_by_role("link", name=f"Sessions of {RECRUITER_EMAIL}").click()
    expect(owner.get_by_role("heading", name=re.compile("Sessions of"))).to_be_visible()
    expect(owner.locator("tbody tr")).to_have_count(1)
    assert_fits_and_passes_axe(owner)
    screenshots.take(owner, f"sessions-{size}-member-list")
    owner.once("dialog", lambda dialog: dialog.accept())  # "Sign … out of every session?"
    owner.get_by_role("button", name=re.compile("Sign out of every session")).click()
    expect(owner.get_by_text(f"{RECRUITER_EMAIL} is signed out of 1 session.")).to_be_visible()
    expect(owner.get_by_text("is not signed in anywhere")).to_be_visible()
    phone.goto("/roles/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    assert browser_users.errors == []
