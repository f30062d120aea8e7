"""The page a refused request gets (lib/request_guard.py): a signed-in recruiter whose
search carries a NUL character sees a plain explanation and a way back, at desktop and
phone width, with axe-core finding nothing and the page not scrolling sideways."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_search_with_a_nul_character_gets_a_page_that_says_why(
    viewport, size, browser_users, screenshots, recruiter
):
    signed_in = Client()
    signed_in.force_login(recruiter.user)
    session = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": browser_users.base_url}
    page = browser_users.new_page(
        viewport=viewport, storage_state={"cookies": [cookie], "origins": []}
    )
    response = page.goto("/candidates/?q=Ada%00")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't read that request")
    expect(page.get_by_text("contains a character that cannot be stored")).to_be_visible()
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert not scrolls_sideways(page), f"the 400 page scrolls sideways on a {size}"
    assert axe_violations(page) == []
    screenshots.take(page, f"bad-request-{size}")
    page.get_by_role("link", name="Back to Rapport").click()
    expect(page).to_have_url(f"{browser_users.base_url}/")
    # The one error seen is the refusal itself: no style or script refused, no JS error.
    refused = "/candidates/?q=Ada%00"
    assert browser_users.errors
    assert all(refused in error and "400" in error for error in browser_users.errors)
