"""The recruiter's dashboard and a client's scorecard in a real browser, on a desktop
and a phone: axe-core finds nothing, nothing scrolls sideways, the charts are drawn
under the Content Security Policy and their figures are in tables."""

from datetime import UTC, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import main_nav, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def figures(organization, client_company, recruiter, hiring_manager, hr, hm_contact, hr_contact):
    """A few submissions of last week, answered or not, through the real services."""
    from metrics.tests.history import History

    monday = timezone.now().astimezone(UTC).date() - timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    start = datetime(monday.year, monday.month, monday.day, 10, 0, tzinfo=UTC)
    history = History(
        organization=organization,
        client=client_company,
        recruiter=recruiter,
        hiring_manager=hiring_manager,
        hr=hr,
        hm_contact=hm_contact,
        hr_contact=hr_contact,
        agreed_at=start - timedelta(days=14),
    )
    made = [history.submit(start + timedelta(minutes=n)) for n in range(3)]
    history.review(made[0], start + timedelta(hours=3))
    for member in (recruiter, hiring_manager):
        EmailAddress.objects.create(
            user=member.user, email=member.user.email, primary=True, verified=True
        )
    return history


def _check(page, screenshots, name):
    assert not scrolls_sideways(page), f"{name} scrolls sideways"
    assert axe_violations(page) == []
    screenshots.take(page, name)


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_dashboard_and_a_scorecard(
    viewport, size, browser_users, screenshots, figures, recruiter, hiring_manager, client_company
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"dashboard-{size}-login")
    if size == "phone":
        page.goto("/dashboard/")
    else:
        main_nav(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    _check(page, screenshots, f"dashboard-{size}")
    page.get_by_role("link", name="Trends", exact=True).click()
    # The charts are drawn (the script ran under the CSP) and their figures are in a table.
    expect(page.locator("figure[data-chart='compliance']")).to_be_visible()
    page.get_by_text("The figures, week by week").click()
    expect(page.get_by_role("region", name="Weekly figures")).to_be_visible()
    _check(page, screenshots, f"dashboard-trends-{size}")

    page.get_by_role("link", name="Client scorecards").click()
    expect(page.get_by_role("link", name=client_company.name)).to_be_visible()
    _check(page, screenshots, f"dashboard-scorecards-{size}")
    page.get_by_role("link", name="Cost of delay").first.click()
    _check(page, screenshots, f"dashboard-delays-{size}")

    # A bad window is an error on the form, with the page still there.
    bad = "/dashboard/?window=custom&from=2026-11-09&to=2026-11-01"
    page.goto(bad)
    expect(page.locator(".errorlist").first).to_be_visible()
    _check(page, screenshots, f"dashboard-bad-window-{size}")
    # The 400 is meant: the browser reports it (response and console), nothing else may.
    browser_users.errors[:] = [error for error in browser_users.errors if bad not in error]

    page.goto(f"/dashboard/clients/{client_company.public_id}/")
    expect(page.get_by_role("heading", name="The agency's side")).to_be_visible()
    _check(page, screenshots, f"client-scorecard-{size}")

    hm_page = browser_users.new_page(viewport=viewport)
    sign_in(hm_page, hiring_manager.user.email, screenshots, f"scorecard-hm-{size}-login")
    hm_page.get_by_role("link", name=f"{client_company.name}'s scorecard").click()
    expect(hm_page.get_by_role("heading", name="Hiring managers and HR")).to_be_visible()
    _check(hm_page, screenshots, f"client-scorecard-hm-{size}")
    assert browser_users.errors == []
