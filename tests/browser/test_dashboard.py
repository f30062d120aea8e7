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


def _overlapping_tick_labels(page) -> list[str]:
    """The x-axis labels of each chart that touch or overlap their neighbour (less than
    8 px apart), measured in the page with the font the chart draws them in."""
    return page.evaluate(
        """() => Object.values(Chart.instances).flatMap((chart) => {
            const scale = chart.scales.x;
            const name = chart.canvas.closest("figure").dataset.chart;
            chart.ctx.font = Chart.helpers.toFont(scale.options.ticks.font).string;
            const spans = scale.ticks.map((tick, index) => {
                const lines = [].concat(tick.label);
                const width = Math.max(...lines.map((line) => chart.ctx.measureText(line).width));
                const middle = scale.getPixelForTick(index);
                return { text: lines.join(" "), left: middle - width / 2, end: middle + width / 2 };
            });
            return spans.slice(1).flatMap((span, index) =>
                span.left - spans[index].end < 8
                    ? [`${name}: ${spans[index].text} | ${span.text}`]
                    : []);
        })"""
    )


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
    page.get_by_role("combobox", name="Window").select_option(label="Last 12 weeks")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Trends", exact=True).click()
    # The charts are drawn (the script ran under the CSP) and their figures are in a table.
    for chart in ("compliance", "delivery", "feedback"):
        expect(page.locator(f"figure[data-chart='{chart}']")).to_be_visible()
    assert _overlapping_tick_labels(page) == []
    # The window is not the trends': no field for it, but the other tabs keep it.
    expect(page.get_by_role("combobox", name="Window")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Client")).to_be_visible()
    expect(page.get_by_role("link", name="Overview")).to_have_attribute(
        "href", "/dashboard/?window=12"
    )
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
    page.get_by_role("link", name="Weekly report").click()
    expect(page.get_by_role("heading", name="Who gets it, and when")).to_be_visible()
    expect(page.locator(".mail-preview")).to_contain_text("YOUR SIDE")
    _check(page, screenshots, f"weekly-report-preview-{size}")

    hm_page = browser_users.new_page(viewport=viewport)
    sign_in(hm_page, hiring_manager.user.email, screenshots, f"scorecard-hm-{size}-login")
    hm_page.get_by_role("link", name=f"{client_company.name}'s scorecard").click()
    expect(hm_page.get_by_role("heading", name="Hiring managers and HR")).to_be_visible()
    _check(hm_page, screenshots, f"client-scorecard-hm-{size}")
    assert browser_users.errors == []


def test_a_role_is_chosen_without_javascript(
    browser_users, screenshots, figures, recruiter, client_company
):
    """The filter form is a plain GET form: with no script at all, a role is picked from
    the roles grouped by client, and choosing it chooses its client too."""
    page = browser_users.new_page(viewport=PHONE, java_script_enabled=False)
    sign_in(page, recruiter.user.email, screenshots, "dashboard-nojs-login")
    page.goto("/dashboard/")
    role = page.get_by_role("combobox", name="Role")
    expect(role.locator(f"optgroup[label='{client_company.name}'] option")).to_have_text(
        [figures.role.title]
    )
    role.select_option(label=figures.role.title)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("combobox", name="Client")).to_have_value(str(client_company.public_id))
    expect(role).to_have_value(str(figures.role.public_id))
    expect(page.get_by_text("Window: UTC days")).to_be_visible()
    # No axe here: it is a script, and this browser runs none.
    screenshots.take(page, "dashboard-nojs-role-phone")
    assert browser_users.errors == []
