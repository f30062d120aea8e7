"""Choosing the candidate to submit, in a real browser: a search whose matches replace
themselves as the recruiter types (htmx, no page load), the one chosen staying first,
on a desktop and a phone with axe-core finding nothing; and the same search without
JavaScript, as a plain GET of the page."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from lib.tenancy import organization_context
from recruiting.selectors import CANDIDATE_CHOICES
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import mark_page, same_page, sign_in
from tests.factories import CandidateFactory, RoleFactory

pytestmark = pytest.mark.browser

ROLE = "Data platform lead"


@pytest.fixture
def submit_url(organization, client_company, recruiter):
    """A role, and more candidates who may be submitted than the form lists at once."""
    role = RoleFactory(organization=organization, client=client_company, title=ROLE)
    for number in range(CANDIDATE_CHOICES + 5):
        CandidateFactory(
            organization=organization,
            full_name=f"Alex Candidate {number:02d}",
            consent_to_represent=True,
        )
    for full_name, title in [("Priya Raman", "Backend engineer"), ("Tomás Silva", "SRE")]:
        CandidateFactory(
            organization=organization,
            full_name=full_name,
            current_title=title,
            consent_to_represent=True,
        )
    EmailAddress.objects.create(
        user=recruiter.user, email=recruiter.user.email, primary=True, verified=True
    )
    return f"/roles/{role.public_id}/submit/"


def choices(page: Page):
    return page.locator("#candidate-results").get_by_role("radio")


def _check(page: Page, screenshots, name: str) -> None:
    assert not scrolls_sideways(page), f"{name} scrolls sideways"
    assert axe_violations(page) == []
    screenshots.take(page, name)


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_recruiter_finds_and_submits_a_candidate_by_searching(
    viewport, size, browser_users, screenshots, recruiter, submit_url
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"candidate-search-{size}-login")
    page.goto(submit_url)
    expect(choices(page)).to_have_count(CANDIDATE_CHOICES)
    expect(page.get_by_role("status")).to_contain_text(f"The first {CANDIDATE_CHOICES} matches")
    _check(page, screenshots, f"candidate-search-{size}-form")

    mark_page(page)
    search = page.get_by_role("searchbox", name="Search")
    search.fill("priya")
    expect(choices(page)).to_have_count(1)
    page.get_by_role("radio", name=re.compile(r"^Priya Raman ")).check()
    search.fill("silva")
    # The one chosen stays, first and checked, next to the new matches.
    expect(choices(page)).to_have_count(2)
    expect(choices(page).first).to_be_checked()
    expect(page.get_by_role("status")).to_have_text("2 candidates to choose from.")
    assert same_page(page)
    _check(page, screenshots, f"candidate-search-{size}-found")

    page.get_by_label("Pitch").fill("Led the move to a lakehouse; wants a team.")
    page.get_by_role("button", name="Submit candidate").click()
    expect(page.get_by_role("heading", name="Priya Raman", level=1)).to_be_visible()
    assert browser_users.errors == []


def test_without_javascript_the_search_is_a_page_load(
    browser_users, screenshots, recruiter, submit_url
):
    page = browser_users.new_page(java_script_enabled=False)
    sign_in(page, recruiter.user.email, screenshots, "candidate-search-nojs-login")
    page.goto(submit_url)

    page.get_by_role("searchbox", name="Search").fill("tomás")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=tom%C3%A1s$"))
    expect(choices(page)).to_have_count(1)
    page.get_by_role("radio", name=re.compile(r"^Tomás Silva ")).check()
    page.get_by_label("Pitch").fill("Keeps a logistics platform up.")
    screenshots.take(page, "candidate-search-nojs-chosen")
    page.get_by_role("button", name="Submit candidate").click()

    expect(page.get_by_role("heading", name="Tomás Silva", level=1)).to_be_visible()
    assert browser_users.errors == []


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_from_the_candidates_page_the_recruiter_finds_a_role_to_submit_to(
    viewport, size, browser_users, screenshots, organization, recruiter, submit_url
):
    from recruiting.models import Candidate

    with organization_context(organization.id):
        priya = Candidate.objects.get(full_name="Priya Raman")
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"role-search-{size}-login")
    page.goto(f"/candidates/{priya.public_id}/")

    page.get_by_role("searchbox", name="Find a role").fill("platform")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("radio", name=re.compile(rf"^{ROLE} ")).check()
    _check(page, screenshots, f"role-search-{size}-found")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Submit a candidate")).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(r"^Priya Raman "))).to_be_checked()
    assert browser_users.errors == []
