"""An owner sets up an integration in a real browser: an API key (shown once, used,
revoked) and a webhook endpoint (a private address refused, the secret shown once),
and reads the interactive API reference."""

import re

import pytest
import requests
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_engagement_journey import field, sign_in, user_menu
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.browser

OWNER_EMAIL = "olivia.owner@northwind.test"


def settings_tabs(page):
    return page.get_by_role("navigation", name="Settings")


@pytest.fixture
def owner_account():
    organization = OrganizationFactory(name="Northwind Talent")
    user = UserFactory(email=OWNER_EMAIL, full_name="Olivia Owner")
    EmailAddress.objects.create(user=user, email=OWNER_EMAIL, primary=True, verified=True)
    return MembershipFactory(organization=organization, role="owner", user=user)


def test_owner_sets_up_an_integration(browser_users, screenshots, owner_account, live_server):
    page = browser_users.new_page()
    sign_in(page, OWNER_EMAIL, screenshots, "integration-login")

    # An API key, shown once and working at once.
    user_menu(page).get_by_role("link", name="Settings").click()
    settings_tabs(page).get_by_role("link", name="API keys").click()
    field(page, "Name").fill("Greenhouse sync")
    page.get_by_label("Write").check()
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_test_id("new-api-key").inner_text().strip()
    assert re.fullmatch(r"rk_[0-9a-f]{12}_[\w-]{40,}", key)
    screenshots.take(page, "api-key-created")
    api = requests.Session()
    api.headers["Authorization"] = f"Api-Key {key}"
    me = api.get(f"{live_server.url}/api/v1/me/", timeout=10)
    assert me.status_code == 200
    assert me.json()["api_key"]["scopes"] == ["read", "write"]
    settings_tabs(page).get_by_role("link", name="API keys").click()  # the key is not stored
    expect(page.get_by_test_id("new-api-key")).to_have_count(0)
    expect(page.get_by_role("cell", name="Greenhouse sync", exact=True)).to_be_visible()

    # A webhook endpoint: a private address is refused, a public one gets its secret once.
    settings_tabs(page).get_by_role("link", name="Webhooks").click()
    field(page, "URL").fill("http://10.0.0.5/hooks")
    page.get_by_role("checkbox", name=re.compile(r"submission\.created:")).check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_text(re.compile("private|public", re.IGNORECASE)).first).to_be_visible()
    screenshots.take(page, "webhook-private-address-refused")
    field(page, "URL").fill("https://93.184.215.14/rapport-hooks")
    page.get_by_role("checkbox", name=re.compile(r"submission\.created:")).check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_test_id("webhook-secret").inner_text().strip()
    assert secret.startswith("whsec_")
    screenshots.take(page, "webhook-secret-shown-once")
    endpoints = api.get(f"{live_server.url}/api/v1/webhook-endpoints/", timeout=10).json()
    assert [e["url"] for e in endpoints["results"]] == ["https://93.184.215.14/rapport-hooks"]
    assert "secret" not in endpoints["results"][0]

    # The reference renders every operation under the site's content security policy.
    page.goto("/api/v1/docs/")
    expect(page.locator(".opblock").first).to_be_visible()
    screenshots.take(page, "api-docs")

    # Revoked on a phone: the key stops working at once.
    phone = browser_users.new_page(viewport=PHONE, storage_state=page.context.storage_state())
    phone.goto("/settings/api-keys/")
    phone.once("dialog", lambda dialog: dialog.accept())  # "Revoke the key …?"
    phone.get_by_role("button", name="Revoke").click()
    expect(phone.get_by_text("no longer works")).to_be_visible()
    screenshots.take(phone, "api-key-revoked-phone")
    assert api.get(f"{live_server.url}/api/v1/me/", timeout=10).status_code == 401

    # The one error answer was the refused private address (a 400 with its form error).
    unexpected = [e for e in browser_users.errors if "/settings/webhooks/" not in e]
    assert not unexpected, unexpected
    assert len(browser_users.errors) == 2  # that 400, as a response and in the console
