"""The hiring manager is told on their home page that a proposal waits for them, reads
what it changes side by side, compares two other versions, and acknowledges it; at a
desktop's and a phone's width, with axe-core finding nothing on any page."""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from intake.models import AgreementStatus
from tests.browser.conftest import PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import sign_in
from tests.factories import AgreementFactory, RoleFactory

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
ROLE = "Staff data engineer"
STAGES = [
    {"name": "Technical interview", "owner": "hiring_manager", "expected_days": 3},
    {"name": "Culture interview", "owner": "hr", "expected_days": 2},
]


@pytest.fixture
def proposal(organization, client_company, hm_contact, hr_contact, hiring_manager):
    """Version 1 agreed, 2 superseded, 3 proposed: new targets, SLAs, stages, vocabulary
    and market notes long enough to wrap on a phone."""
    role = RoleFactory(
        organization=organization,
        client=client_company,
        title=ROLE,
        hiring_manager=hm_contact,
        hr_contact=hr_contact,
    )
    AgreementFactory(organization=organization, role=role, version=1, interview_stages=STAGES)
    AgreementFactory(
        organization=organization,
        role=role,
        version=2,
        status=AgreementStatus.SUPERSEDED,
        interview_stages=STAGES,
        must_haves=["Python", "PostgreSQL", "dbt"],
    )
    AgreementFactory(
        organization=organization,
        role=role,
        version=3,
        status=AgreementStatus.PROPOSED,
        submissions_per_week=4,
        hm_review_sla_hours=24,
        must_haves=["Python", "Apache Kafka", "dbt"],
        interview_stages=[
            {**STAGES[1]},
            {**STAGES[0], "owner": "hr", "expected_days": 5},
            {"name": "Meet the team", "owner": "other", "expected_days": 1},
        ],
        glossary=[
            {"term": "senior", "meaning": "seven years running data platforms in production"}
        ],
        talent_scarcity="very_scarce",
        market_notes="Three scale-ups in the city hire the same profile; the salary band "
        "is below what they pay, so expect counter-offers and longer notice periods.",
    )
    user = hiring_manager.user
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return role


def _check(page: Page, screenshots, name: str) -> None:
    assert not scrolls_sideways(page), f"{name} scrolls sideways"
    assert axe_violations(page) == [], name
    screenshots.take(page, name)


@pytest.mark.parametrize(("viewport", "size"), [(LAPTOP, "desktop"), (PHONE, "phone")])
def test_the_hiring_manager_reads_what_a_proposal_changes_and_acknowledges_it(
    viewport, size, browser_users, screenshots, hiring_manager, proposal
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, hiring_manager.user.email, screenshots, f"agreement-diff-{size}-login")

    # Once more, without the "signed in" message: the layout shows messages outside its
    # landmarks, which axe-core reports (the layout's business, not this page's).
    page.goto("/")
    notice = page.get_by_role("region", name=re.compile("Agreements waiting for you"))
    expect(notice).to_contain_text(f"{ROLE}: version 3")
    _check(page, screenshots, f"agreement-diff-{size}-home-notice")

    notice.get_by_role("link", name="What changed from version 2").click()
    expect(page.get_by_role("heading", name="Version 2 → version 3")).to_be_visible()
    vocabulary = page.get_by_role("table", name="Shared vocabulary")
    expect(vocabulary.get_by_role("row", name=re.compile("Removed Must-have"))).to_contain_text(
        "PostgreSQL"
    )
    expect(vocabulary.get_by_role("row", name=re.compile("Added Must-have"))).to_contain_text(
        "Apache Kafka"
    )
    stages = page.get_by_role("table", name="Interview stages")
    expect(
        stages.get_by_role("row", name=re.compile("Stage: Technical interview"))
    ).to_contain_text("HR, 5 days")
    _check(page, screenshots, f"agreement-diff-{size}-2-to-3")

    page.get_by_label("Version", exact=True).fill("1")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Version 1 → version 3")).to_be_visible()
    expect(page.get_by_role("table", name="Delivery targets and check-ins")).to_contain_text(
        "Candidates a week"
    )
    _check(page, screenshots, f"agreement-diff-{size}-1-to-3")

    page.get_by_label("Version", exact=True).fill("3")
    page.get_by_label("against version").fill("3")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("Choose two different versions.")).to_be_visible()
    _check(page, screenshots, f"agreement-diff-{size}-same-version")

    page.get_by_role("link", name="Every version").click()
    page.get_by_role("button", name="Acknowledge v3").click()
    expect(page.get_by_text("You acknowledged v3")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("region", name=re.compile("Agreements waiting for you"))).to_have_count(
        0
    )
    # The refused comparison is a 400 page by design, which the browser reports as a
    # failed load; anything else is an error.
    refused = [error for error in browser_users.errors if "old=3&new=3" in error]
    assert refused
    assert all("400" in error for error in refused)
    assert [error for error in browser_users.errors if error not in refused] == []
