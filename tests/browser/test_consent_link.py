"""The candidate's consent page, opened from the link mailed to them, in a real browser:
without an account, on a phone and on a desktop, they see who holds their details and
why, answer each purpose, and find their answer kept; axe-core finds nothing."""

import pytest
from playwright.sync_api import expect

from lib.tenancy import organization_context
from recruiting.models import Candidate, ConsentRecord
from recruiting.services.consent import consent_link_token
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways
from tests.factories import CandidateFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_candidate_gives_and_withdraws_consent_through_their_link(
    viewport, size, browser_users, screenshots, organization
):
    candidate = CandidateFactory(
        organization=organization, full_name="Mary Jackson", consent_to_represent=False
    )
    page = browser_users.new_page(viewport=viewport)

    page.goto(f"/consent/{consent_link_token(candidate)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your consent, Mary Jackson")
    expect(page.get_by_text("Northwind Talent", exact=True).first).to_be_visible()
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    screenshots.take(page, f"consent-link-{size}")

    represent = page.get_by_role("group", name="To be represented to our clients for roles?")
    store = page.get_by_role("group", name="To be kept in our database of candidates?")
    represent.get_by_label("Yes, I agree").check()
    store.get_by_label("No").check()
    page.get_by_role("button", name="Save my answer").click()

    expect(page.get_by_text("Thank you: your answer is recorded.")).to_be_visible()
    expect(represent.get_by_label("Yes, I agree")).to_be_checked()
    with organization_context(organization.id):
        assert Candidate.objects.get(pk=candidate.pk).consent_to_represent
        assert ConsentRecord.objects.filter(candidate=candidate, method="link").count() == 2

    represent.get_by_label("No").check()
    store.get_by_label("No").check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("Thank you: your answer is recorded.")).to_be_visible()
    with organization_context(organization.id):
        assert not Candidate.objects.get(pk=candidate.pk).consent_to_represent
        assert ConsentRecord.objects.filter(candidate=candidate, method="link").count() == 3
    assert axe_violations(page) == []
    assert browser_users.errors == []
