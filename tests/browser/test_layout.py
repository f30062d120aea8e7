"""Every page, at a desktop's and a phone's size, in a real browser.

Each page that tests/test_templates_query_free.py renders (the agency's, the owner's
Settings, the hiring manager's and HR's), the account pages and the pages of a
visitor are opened at 1280×800 and at 390×844, as the person who reads them, and
must: not scroll sideways, keep the header to one row on the desktop and to at most
120 px on the phone, and give axe-core nothing to report. A screenshot of each goes
to test-artifacts/browser/layout/. Then the header's parts are used: the phone menu,
the user menu and Settings, the copy button of a secret shown once, and the question
a destructive button asks first.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from playwright.sync_api import Page, expect

from accounts import services
from lib.tenancy import organization_context
from recruiting.models import Candidate
from recruiting.services.consent import consent_link_token
from tests.browser.conftest import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    Screenshots,
    axe_violations,
    scrolls_sideways,
)
from tests.browser.test_engagement_journey import main_nav, user_menu
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

# The pages and the `pages` fixture that makes something for each of them to show.
from tests.test_templates_query_free import (  # noqa: F401 (`pages` is a fixture)
    AGENCY_PAGES,
    CLIENT_PAGES,
    OWNER_PAGES,
    pages,
)

pytestmark = pytest.mark.browser

PHONE_HEADER_MAX_PX = 120
ACCOUNT_PAGES = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/sessions/",
]
VISITOR_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/invitations/{invitation}/",
    # The candidate's consent page, from the link mailed to them.
    "/consent/{consent}/",
]
READERS = {
    "recruiter": AGENCY_PAGES,
    "owner": ["/", *OWNER_PAGES, *ACCOUNT_PAGES],
    "hiring_manager": ["/review-queue/", *CLIENT_PAGES],
    "hr": ["/approvals/", *CLIENT_PAGES],
    "visitor": VISITOR_PAGES,
}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def signed_in(browser_users, membership, viewport: dict) -> Page:
    """A page whose browser carries a session of the membership's user, made the way the
    other tests' `client_for` makes one, so that no page is spent on signing in."""
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["active_organization_id"] = str(membership.organization_id)
    session.save()
    page = browser_users.new_page(viewport=viewport)
    page.context.add_cookies(
        [{"name": "sessionid", "value": session.session_key, "url": browser_users.base_url}]
    )
    return page


def header_rows(page: Page) -> int:
    """How many rows the header's parts take: the brand, each main link, the
    notifications link and the user menu (whatever is displayed)."""
    return page.evaluate(
        """() => {
          const parts = document.querySelectorAll(
            ".site-header .brand, .site-header .menu-toggle, .site-nav__links > li," +
            ".site-nav__tools > *"
          );
          const rows = new Set();
          for (const part of parts) {
            const box = part.getBoundingClientRect();
            if (box.height > 0) {
              rows.add(Math.round(box.top + box.height / 2));
            }
          }
          return rows.size;
        }"""
    )


def header_height(page: Page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def beyond_the_edge(page: Page) -> list[str]:
    """The innermost elements that reach past the window's right edge, to name the culprit."""
    return page.evaluate(
        """() => {
          const edge = document.documentElement.clientWidth;
          const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
            (e.className && typeof e.className === "string"
              ? "." + e.className.trim().split(/\\s+/).join(".") : "");
          return [...document.body.querySelectorAll("*")]
            .filter((e) => e.getBoundingClientRect().right > edge + 1)
            .filter((e) => ![...e.children].some(
              (c) => c.getBoundingClientRect().right > edge + 1))
            .slice(0, 5)
            .map((e) => name(e) + " " + (e.textContent || "").trim().slice(0, 40));
        }"""
    )


def layout_problems(page: Page, size: str) -> list[str]:
    """What is wrong with the page's layout at this size; empty when nothing is."""
    problems = []
    if scrolls_sideways(page):
        problems.append(f"scrolls sideways, past the edge: {beyond_the_edge(page)}")
    if size == "phone" and header_height(page) > PHONE_HEADER_MAX_PX:
        problems.append(f"header {header_height(page)} px tall")
    if size == "desktop" and header_rows(page) != 1:
        problems.append(f"header on {header_rows(page)} rows")
    problems.extend(axe_violations(page))
    return problems


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("reader", READERS)
def test_every_page_fits_the_screen_and_passes_axe(request, browser_users, reader, size):
    objects = request.getfixturevalue("pages")
    if reader == "visitor":
        owner = request.getfixturevalue("owner")
        with organization_context(owner.organization_id):
            invitation = services.invitation_create(
                actor=owner, email="newbie@example.test", role="recruiter", client=None
            )
            candidate = Candidate.objects.get(public_id=objects["candidate"])
        objects = {
            **objects,
            "invitation": services.invitation_token(invitation),
            "consent": consent_link_token(candidate),
        }
        page = browser_users.new_page(viewport=SIZES[size])
    else:
        page = signed_in(browser_users, request.getfixturevalue(reader), SIZES[size])
    shots = Screenshots(ARTIFACTS / "layout" / f"{reader}-{size}")

    found = {}
    for path in READERS[reader]:
        url = path.format(**objects)
        response = page.goto(url)
        assert response.status == 200, f"{url}: HTTP {response.status}"
        shots.take(page, slug(url))
        if problems := layout_problems(page, size):
            found[url] = problems
    assert found == {}
    assert browser_users.errors == []


def slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"


# --- The header's parts, used -------------------------------------------------


def test_the_phone_menu_opens_navigates_and_closes(browser_users, recruiter, screenshots):
    page = signed_in(browser_users, recruiter, PHONE)
    page.goto("/")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    assert header_height(page) <= PHONE_HEADER_MAX_PX

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Candidates")).to_be_visible()
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    screenshots.take(page, "phone-menu-open")

    page.keyboard.press("Tab")  # into the menu
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()

    main_nav(page).get_by_role("link", name="Roles").click()  # main_nav unfolds it
    expect(page).to_have_url(re.compile(r"/roles/$"))
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    expect(main_nav(page).get_by_role("link", name="Roles")).to_have_attribute(
        "aria-current", "page"
    )
    assert browser_users.errors == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("reader", ["owner", "hiring_manager"])
def test_the_search_in_the_header_keeps_it_on_one_row(request, browser_users, reader, size):
    """The search after the brand: the desktop's header stays on one row with a search
    (box and button) of at least 16rem, the phone's within its height with a box of at
    least 120 px."""
    page = signed_in(browser_users, request.getfixturevalue(reader), SIZES[size])
    page.goto("/")
    field = page.get_by_role("search", name="Candidates, roles, clients and contacts")
    if size == "desktop":
        assert header_rows(page) == 1
        assert field.bounding_box()["width"] >= 256  # 16rem
    else:
        assert header_height(page) <= PHONE_HEADER_MAX_PX
        assert field.bounding_box()["width"] >= 120
    assert not scrolls_sideways(page)


def test_the_longest_names_keep_the_desktop_header_on_one_row(browser_users, owner):
    """The user menu names the person and the organization; at the longest a form
    allows, they are cut short with an ellipsis and the search box gives up width,
    but the header stays one row and the search keeps at least 12rem."""
    owner.user.full_name = "Maximiliana " * 12
    owner.user.save(update_fields=["full_name"])
    with organization_context(owner.organization_id):
        owner.organization.name = "Worldwide Executive Search " * 4
        owner.organization.save(update_fields=["name"])
    page = signed_in(browser_users, owner, DESKTOP)
    page.goto("/")
    assert header_rows(page) == 1
    field = page.get_by_role("search", name="Candidates, roles, clients and contacts")
    assert field.bounding_box()["width"] >= 192  # 12rem
    assert not scrolls_sideways(page)


def test_without_javascript_the_phone_shows_the_navigation_unfolded(
    browser_users, recruiter, screenshots
):
    """The Menu button needs a script; without one it is not shown and nothing is hidden."""
    page = browser_users.new_page(viewport=PHONE, java_script_enabled=False)
    client = Client()
    client.force_login(recruiter.user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.session.session_key,
                "url": browser_users.base_url,
            }
        ]
    )
    page.goto("/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Candidates")
    ).to_be_visible()
    assert not scrolls_sideways(page)
    screenshots.take(page, "phone-without-javascript")


@pytest.mark.parametrize("size", SIZES)
def test_the_user_menu_leads_an_admin_to_every_settings_page(
    browser_users, owner, screenshots, size
):
    page = signed_in(browser_users, owner, SIZES[size])
    page.goto("/")
    user_menu(page).get_by_role("link", name="Settings").click()
    expect(page).to_have_url(re.compile(r"/settings/organization/$"))
    tabs = page.get_by_role("navigation", name="Settings")
    for tab, heading in [
        ("Members", "Members"),
        ("Nudges", "Nudges"),
        ("API keys", "API keys"),
        ("Webhooks", "Webhooks"),
        ("Data retention", "Data retention"),
        ("Security log", "Security log"),
        ("Organization", "Organization"),
    ]:
        tabs.get_by_role("link", name=tab).click()
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        expect(tabs.get_by_role("link", name=tab)).to_have_attribute("aria-current", "page")
    screenshots.take(page, f"settings-{size}")

    # Escape and a click elsewhere close the user menu.
    menu = user_menu(page)
    page.keyboard.press("Escape")
    expect(menu.get_by_role("link", name="Settings")).to_be_hidden()
    user_menu(page)
    page.get_by_role("heading", name="Organization", level=1).click()
    expect(menu.get_by_role("link", name="Settings")).to_be_hidden()
    assert browser_users.errors == []


def test_a_recruiter_has_no_settings_in_the_user_menu(browser_users, recruiter):
    page = signed_in(browser_users, recruiter, DESKTOP)
    page.goto("/")
    menu = user_menu(page)
    expect(menu.get_by_role("link", name="Account")).to_be_visible()
    expect(menu.get_by_role("link", name="Settings")).to_have_count(0)


def test_the_user_menu_switches_the_organization(browser_users, owner):
    """A member of two organizations switches between them from the user menu."""
    other = OrganizationFactory(name="Southwind Search")
    MembershipFactory(organization=other, user=owner.user, role="recruiter")
    page = signed_in(browser_users, owner, DESKTOP)
    page.goto("/")
    menu = user_menu(page)
    menu.get_by_label("Organization").select_option(label="Southwind Search")
    menu.get_by_role("button", name="Switch").click()
    expect(page.get_by_text("You are now working in Southwind Search.")).to_be_visible()
    expect(page.locator(".user-menu__organization")).to_have_text("Southwind Search")


@pytest.mark.parametrize("size", SIZES)
def test_the_copy_button_copies_a_new_api_key(browser_users, owner, screenshots, size):
    page = signed_in(browser_users, owner, SIZES[size])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/settings/api-keys/")
    page.get_by_label(re.compile("^Name")).fill("Greenhouse sync")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_test_id("new-api-key").inner_text().strip()

    page.get_by_role("button", name="Copy the key").click()
    expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("() => navigator.clipboard.readText()") == key
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    screenshots.take(page, f"api-key-copied-{size}")


def test_the_copy_button_copies_a_new_webhook_secret(browser_users, owner, screenshots):
    page = signed_in(browser_users, owner, PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/settings/webhooks/")
    page.get_by_label(re.compile("^URL")).fill("https://93.184.215.14/rapport-hooks")
    page.get_by_role("checkbox", name=re.compile(r"submission\.created:")).check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_test_id("webhook-secret").inner_text().strip()

    page.get_by_role("button", name="Copy the secret").click()
    expect(page.get_by_role("status")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
    screenshots.take(page, "webhook-secret-copied-phone")


def test_without_a_clipboard_the_copy_button_is_not_offered(browser_users, owner):
    """Outside a secure context there is no clipboard to write to: the secret stays,
    selectable, and no button promises what it cannot do."""
    page = signed_in(browser_users, owner, DESKTOP)
    page.add_init_script("delete Navigator.prototype.clipboard;")
    page.goto("/settings/api-keys/")
    page.get_by_label(re.compile("^Name")).fill("Greenhouse sync")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_test_id("new-api-key")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the key")).to_be_hidden()


def test_a_destructive_button_asks_first_and_does_nothing_when_declined(
    browser_users, owner, organization, screenshots
):
    colleague = UserFactory(email="ravi.recruiter@northwind.test", full_name="Ravi Recruiter")
    EmailAddress.objects.create(user=colleague, email=colleague.email, verified=True)
    MembershipFactory(organization=organization, user=colleague, role="recruiter")
    page = signed_in(browser_users, owner, PHONE)
    page.goto("/settings/members/")
    remove = page.get_by_role("button", name=f"Remove {colleague.email}")
    # Quieter than the page's main action: not a filled red button.
    assert remove.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"

    questions, posted = [], []
    page.on("request", lambda request: request.method == "POST" and posted.append(request.url))
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    remove.click()  # waits for any page load the click starts
    assert questions == [f"Remove {colleague.email} from the organization?"]
    assert posted == []
    expect(remove).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(page.get_by_text("no longer belongs to this organization")).to_be_visible()
    expect(remove).to_have_count(0)
    screenshots.take(page, "member-removed-phone")
