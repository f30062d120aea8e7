"""Finding things, in a real browser on a desktop (1280×800) and a phone (390×844), with
axe-core finding nothing: the search in the header lists its first matches as one
types (htmx, no page load), the arrow keys go through them, and a click opens the
candidate; Enter opens the results page. A list sorted by a column says so (aria-sort)
and turns round on a second click. A hiring manager's search finds only their client's
records."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from recruiting.models import Priority
from tests.browser.conftest import PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import mark_page, same_page, sign_in
from tests.factories import CandidateFactory, ClientFactory, RoleFactory, SubmissionFactory

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
SIZES = [(DESKTOP, "desktop"), (PHONE, "phone")]


@pytest.fixture
def book(organization, client_company, recruiter, hiring_manager):
    """Candidates, one submitted to the hiring manager's client, and roles of two clients."""
    other = ClientFactory(organization=organization, name="Lovell Logistics")
    role = RoleFactory(
        organization=organization, client=client_company, title="Analytical engineer"
    )
    RoleFactory(organization=organization, client=other, title="Warehouse lead")
    RoleFactory(
        organization=organization,
        client=client_company,
        title="Backend engineer",
        priority=Priority.HIGH,
    )
    ada = CandidateFactory(
        organization=organization,
        full_name="Ada Lovelace",
        current_title="Analyst",
        current_company="Analytical Engines",
    )
    SubmissionFactory(organization=organization, role=role, candidate=ada)
    CandidateFactory(organization=organization, full_name="Grace Hopper")
    CandidateFactory(organization=organization, full_name="Lovisa Berg")
    for member in (recruiter, hiring_manager):
        EmailAddress.objects.create(
            user=member.user, email=member.user.email, primary=True, verified=True
        )
    return ada


def header_search(page: Page):
    return page.get_by_role("search", name="Candidates, roles, clients and contacts")


def results(page: Page):
    return page.locator("#global-search-results")


def _check(page: Page, screenshots, name: str) -> None:
    assert not scrolls_sideways(page), f"{name} scrolls sideways"
    assert axe_violations(page) == []
    screenshots.take(page, name)


@pytest.mark.parametrize(("viewport", "size"), SIZES)
def test_the_recruiter_finds_a_candidate_from_the_header_in_one_step(
    viewport, size, browser_users, screenshots, recruiter, book
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"search-{size}-login")
    page.goto("/roles/")
    mark_page(page)
    box = header_search(page).get_by_role("searchbox")
    box.fill("lov")
    listed = results(page).get_by_role("link")
    expect(results(page).get_by_role("heading", name="Candidates")).to_be_visible()
    expect(results(page).get_by_role("link", name=re.compile(r"^Ada Lovelace"))).to_be_visible()
    expect(results(page).get_by_role("link", name=re.compile(r"^Lovell Logistics"))).to_be_visible()
    expect(page.locator("#global-search-status")).to_contain_text("Candidates: 2")
    assert same_page(page)
    _check(page, screenshots, f"search-{size}-list")

    # The arrow keys go through the matches, Escape closes the list.
    box.press("ArrowDown")
    expect(listed.first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(listed.nth(1)).to_be_focused()
    page.keyboard.press("Escape")
    expect(box).to_be_focused()
    expect(results(page)).to_be_hidden()

    box.fill("ada lov")
    ada = results(page).get_by_role("link", name=re.compile(r"^Ada Lovelace"))
    expect(ada).to_be_visible()
    ada.click()
    expect(page.get_by_role("heading", name="Ada Lovelace", level=1)).to_be_visible()
    assert browser_users.errors == []


@pytest.mark.parametrize(("viewport", "size"), SIZES)
def test_enter_opens_the_results_page_a_kind_at_a_time(
    viewport, size, browser_users, screenshots, recruiter, book
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"search-page-{size}-login")
    page.goto("/roles/")
    box = header_search(page).get_by_role("searchbox")
    box.fill("lov")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Search", level=1)).to_be_visible()
    kinds = page.get_by_role("navigation", name="Kinds of results")
    expect(kinds.get_by_role("link", name=re.compile(r"^Candidates"))).to_have_attribute(
        "aria-current", "page"
    )
    main = page.locator("main")
    expect(main.get_by_role("link", name=re.compile(r"^Lovisa Berg"))).to_be_visible()
    _check(page, screenshots, f"search-page-{size}-candidates")
    kinds.get_by_role("link", name=re.compile(r"^Clients")).click()
    expect(main.get_by_role("link", name=re.compile(r"^Lovell Logistics"))).to_be_visible()
    assert browser_users.errors == []


def test_a_hiring_manager_finds_only_their_clients_records(
    browser_users, screenshots, hiring_manager, book
):
    page = browser_users.new_page()
    sign_in(page, hiring_manager.user.email, screenshots, "search-hm-login")
    box = header_search(page).get_by_role("searchbox")
    box.fill("lov")
    expect(results(page).get_by_role("link", name=re.compile(r"^Ada Lovelace"))).to_be_visible()
    expect(results(page).get_by_role("link")).to_have_count(2)  # Ada, and all results
    box.fill("warehouse")
    expect(results(page)).to_contain_text("Nothing matches")
    screenshots.take(page, "search-hm-nothing")
    assert browser_users.errors == []


@pytest.mark.parametrize(("viewport", "size"), SIZES)
def test_the_roles_sort_by_a_column_and_say_so(
    viewport, size, browser_users, screenshots, recruiter, book
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"sort-{size}-login")
    page.goto("/roles/")
    titles = page.locator("tbody th[scope='row'] a")
    expect(titles).to_have_text(["Analytical engineer", "Backend engineer", "Warehouse lead"])
    header = page.get_by_role("columnheader", name=re.compile(r"^Role"))
    expect(header).to_have_attribute("aria-sort", "none")

    header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?sort=title$"))
    expect(header).to_have_attribute("aria-sort", "ascending")
    header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?sort=-title$"))
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(titles).to_have_text(["Warehouse lead", "Backend engineer", "Analytical engineer"])
    _check(page, screenshots, f"sort-{size}-roles-by-title")

    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Show").click()
    expect(titles).to_have_text(["Backend engineer"])
    expect(page).to_have_url(re.compile(r"sort=-title"))
    _check(page, screenshots, f"sort-{size}-roles-high-priority")
    assert browser_users.errors == []
