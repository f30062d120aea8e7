"""The whole engagement, clicked through in a real browser.

An agency recruiter sets up a client, its hiring manager and HR contact and a
role; the owner invites the two contacts, who join from their e-mails; the intake
agreement is proposed and acknowledged by both sides; two candidates are
submitted; HR approves both sets of culture-fit notes and the hiring manager
decides both reviews, each in place on its queue card (htmx, no page load): one
rejected on a phone, after the reason the first attempt lacked, the other
advanced to interviews on a desktop, with axe-core finding nothing wrong on the
queues at either size. Only the agency's own people and the candidates are made
in Python, and the invitation links are read from the outbox; everything else
goes through the pages, one browser context per person.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from config.celery import app as celery_app
from tests.browser.conftest import PHONE, axe_violations, scrolls_sideways
from tests.factories import (
    DEFAULT_PASSWORD,
    CandidateFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

AGENCY = "Northwind Talent"
CLIENT = "Acme Robotics"
CLIENT_TIMEZONE = "Europe/London"
ROLE = "Senior backend engineer"
CANDIDATE = "Priya Raman"
SECOND_CANDIDATE = "Tomás Silva"
HM_NAME, HM_EMAIL = "Hana Okafor", "hana.okafor@acme.test"
HR_NAME, HR_EMAIL = "Rui Costa", "rui.costa@acme.test"
INVITEE_PASSWORD = "a-long-invitee-passphrase-42"
MUST_HAVES = ["Python", "PostgreSQL"]
INVITATION_LINK = re.compile(r"https?://\S+/invitations/[^/\s]+/")


@pytest.fixture
def eager_celery(settings):
    """Run tasks (the invitation e-mails) in the web thread that enqueues them.

    Django's setting is for the code that reads it; Celery reads its own
    configuration, loaded once, so that is switched too and put back afterwards.
    """
    # Read Celery's value before touching Django's: Celery loads its configuration
    # from Django settings on first access, and would then remember True.
    previous = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def agency():
    """The agency's owner and recruiter, able to sign in, and two candidates who consent."""
    organization = OrganizationFactory(name=AGENCY)
    people = {}
    for role, name, email in [
        ("owner", "Olivia Owner", "olivia.owner@northwind.test"),
        ("recruiter", "Ravi Recruiter", "ravi.recruiter@northwind.test"),
    ]:
        user = UserFactory(email=email, full_name=name)  # password: DEFAULT_PASSWORD
        # Sign-in requires a verified address (ACCOUNT_EMAIL_VERIFICATION = mandatory).
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        people[role] = MembershipFactory(organization=organization, role=role, user=user)
    for full_name, title in [(CANDIDATE, "Backend engineer"), (SECOND_CANDIDATE, "SRE")]:
        CandidateFactory(
            organization=organization,
            full_name=full_name,
            current_title=title,
            consent_to_represent=True,
        )
    return people


def field(page: Page, label: str) -> Locator:
    """The form control labelled `label`; Django's labels end with a colon, allauth's too."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def main_nav(page: Page) -> Locator:
    """The main navigation, unfolded first where it is folded behind the phone's Menu button."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
    return page.get_by_role("navigation", name="Main")


def user_menu(page: Page) -> Locator:
    """The user menu (the account pages, Settings, Log out), opened."""
    menu = main_nav(page).locator("details.user-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return menu


def queue_card(page: Page, candidate: str) -> Locator:
    """The candidate's card on a queue page, while it waits for a decision."""
    return page.locator("li.queue-card").filter(
        has=page.get_by_role("heading", name=candidate, level=2)
    )


def mark_page(page: Page) -> None:
    """Leave a mark in the page's window; a page load would wipe it (see `same_page`)."""
    page.evaluate("() => { window.journeyMark = 'same page'; }")


def same_page(page: Page) -> bool:
    return page.evaluate("() => window.journeyMark") == "same page"


def sign_in(page: Page, email: str, shots, name: str) -> None:
    page.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(DEFAULT_PASSWORD)
    shots.take(page, name)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.locator("details.user-menu")).to_be_attached()
    shots.take(page, name.replace("login", "home"))


def invitation_link(email: str) -> str:
    """The link of the one invitation e-mailed to `email` (other mail may go there too)."""
    links = [
        match.group(0)
        for message in mail.outbox
        if email in message.to
        for match in [INVITATION_LINK.search(message.body)]
        if match
    ]
    assert len(links) == 1, f"expected one invitation to {email}, found {links}"
    return links[0]


def accept_invitation(page: Page, link: str, full_name: str, shots, name: str) -> None:
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Join {AGENCY}")).to_be_visible()
    field(page, "Your name").fill(full_name)
    field(page, "Password").fill(INVITEE_PASSWORD)
    field(page, "Password (again)").fill(INVITEE_PASSWORD)
    shots.take(page, name)
    page.get_by_role("button", name="Create my account and join").click()
    expect(page.get_by_text(f"Welcome to {AGENCY}.")).to_be_visible()


def open_role(page: Page, shots, name: str) -> None:
    """Roles (main menu) → the role, photographing both pages."""
    main_nav(page).get_by_role("link", name="Roles").click()
    expect(page.get_by_role("heading", name="Roles", level=1)).to_be_visible()
    shots.take(page, f"{name}-roles")
    page.get_by_role("link", name=ROLE, exact=True).click()
    expect(page.get_by_role("heading", name=ROLE, level=1)).to_be_visible()
    shots.take(page, f"{name}-role")


def acknowledge_agreement(page: Page, shots, name: str) -> None:
    open_role(page, shots, name)
    page.get_by_role("link", name="View agreement").click()
    expect(page.get_by_role("heading", name="Agreement", level=1)).to_be_visible()
    shots.take(page, f"{name}-agreement")
    page.get_by_role("button", name="Acknowledge v1").click()
    expect(page.get_by_role("button", name="Acknowledge v1")).to_have_count(0)
    shots.take(page, f"{name}-agreement-acknowledged")


def test_engagement_journey(browser_users, screenshots, agency, eager_celery, settings):
    shots = screenshots
    # Invitation e-mails link to SITE_URL: the live server, for this test.
    settings.SITE_URL = browser_users.base_url

    # --- 2. The recruiter sets up the client, its two contacts and a role. ---
    recruiter = browser_users.new_page()
    sign_in(recruiter, "ravi.recruiter@northwind.test", shots, "recruiter-login")
    main_nav(recruiter).get_by_role("link", name="Clients").click()
    expect(recruiter.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    shots.take(recruiter, "recruiter-clients-empty")
    recruiter.get_by_role("link", name="Add a client").first.click()
    field(recruiter, "Name").fill(CLIENT)
    field(recruiter, "Timezone").select_option(CLIENT_TIMEZONE)
    shots.take(recruiter, "recruiter-client-form")
    recruiter.get_by_role("button", name="Add client").click()
    expect(recruiter.get_by_role("heading", name=CLIENT, level=1)).to_be_visible()
    shots.take(recruiter, "recruiter-client-new")

    for full_name, kind, email, title in [
        (HM_NAME, "Hiring manager", HM_EMAIL, "Head of Platform"),
        (HR_NAME, "HR", HR_EMAIL, "People Partner"),
    ]:
        recruiter.get_by_role("link", name="Add a contact").click()
        field(recruiter, "Name").fill(full_name)
        field(recruiter, "Role at the client").select_option(label=kind)
        field(recruiter, "Email").fill(email)
        field(recruiter, "Job title").fill(title)
        shots.take(recruiter, f"recruiter-contact-form-{kind.split()[0].lower()}")
        recruiter.get_by_role("button", name="Add contact").click()
        expect(recruiter.get_by_text(f"{full_name} added to {CLIENT}.")).to_be_visible()
    shots.take(recruiter, "recruiter-client-with-contacts")

    recruiter.get_by_role("link", name="Open a role").click()
    field(recruiter, "Title").fill(ROLE)
    field(recruiter, "Description").fill("Owns the ordering service end to end.")
    field(recruiter, "Location").fill("London")
    field(recruiter, "Hiring manager").select_option(label=f"{HM_NAME} — Head of Platform")
    field(recruiter, "HR contact").select_option(label=f"{HR_NAME} — People Partner")
    shots.take(recruiter, "recruiter-role-form")
    recruiter.get_by_role("button", name="Open role").click()
    expect(recruiter.get_by_role("heading", name=ROLE, level=1)).to_be_visible()
    shots.take(recruiter, "recruiter-role-new")

    # --- 3. The owner invites both contacts; they join from their e-mails. ---
    owner = browser_users.new_page()
    sign_in(owner, "olivia.owner@northwind.test", shots, "owner-login")
    main_nav(owner).get_by_role("link", name="Clients").click()
    expect(owner.get_by_role("heading", name="Clients", level=1)).to_be_visible()
    shots.take(owner, "owner-clients")
    owner.get_by_role("link", name=CLIENT).click()
    expect(owner.get_by_role("heading", name=CLIENT, level=1)).to_be_visible()
    shots.take(owner, "owner-client-before-invites")
    for full_name, email in [(HM_NAME, HM_EMAIL), (HR_NAME, HR_EMAIL)]:
        owner.get_by_role("button", name=f"Invite to Rapport ({full_name})").click()
        expect(owner.get_by_text(f"Invitation sent to {email}")).to_be_visible()
    shots.take(owner, "owner-client-after-invites")

    hm = browser_users.new_page()
    accept_invitation(hm, invitation_link(HM_EMAIL), HM_NAME, shots, "hm-invitation")
    shots.take(hm, "hm-home")
    hr = browser_users.new_page()
    accept_invitation(hr, invitation_link(HR_EMAIL), HR_NAME, shots, "hr-invitation")
    shots.take(hr, "hr-home")

    # --- 4. The recruiter records the intake meeting: agreement v1 is proposed. ---
    open_role(recruiter, shots, "recruiter-before-intake")
    recruiter.get_by_role("link", name="Record the intake meeting").first.click()
    expect(recruiter.get_by_role("heading", name="Record the intake meeting")).to_be_visible()
    # Yesterday at 10:00, client time: in the past, and never a reading a clock change skips.
    yesterday = timezone.now().astimezone(ZoneInfo(CLIENT_TIMEZONE)) - timedelta(days=1)
    field(recruiter, "Held at").fill(yesterday.strftime("%Y-%m-%dT10:00"))
    attendees = recruiter.get_by_role("group", name=re.compile("^Who attended"))
    expect(attendees.get_by_role("checkbox", name=f"{HM_NAME} (Hiring manager)")).to_be_checked()
    expect(attendees.get_by_role("checkbox", name=f"{HR_NAME} (HR)")).to_be_checked()
    field(recruiter, "Meeting notes").fill("Hana wants depth over breadth.")
    field(recruiter, "Must-haves").fill("\n".join(MUST_HAVES))
    field(recruiter, "Nice-to-haves").fill("Celery")
    field(recruiter, "Deal-breakers").fill("No production experience")
    field(recruiter, "Culture traits").fill("Writes things down")
    field(recruiter, "Glossary").fill("senior: five years in production")
    for row, (stage, owner_label, days) in enumerate(
        [("Technical interview", "Hiring manager", "3"), ("Culture interview", "HR", "2")],
        start=1,
    ):
        field(recruiter, f"Stage {row}").fill(stage)
        field(recruiter, f"Stage {row} owner").select_option(label=owner_label)
        field(recruiter, f"Stage {row} expected days").fill(days)
    field(recruiter, "Hiring manager's skills review").fill("16")
    field(recruiter, "HR's culture-fit approval").fill("8")
    field(recruiter, "Interview feedback").fill("24")
    field(recruiter, "Offer decision").fill("48")
    expect(
        field(recruiter, "HR approves culture-fit notes before the hiring manager sees them")
    ).to_be_checked()
    field(recruiter, "Candidates per week").fill("3")
    field(recruiter, "Shortlist size").fill("5")
    field(recruiter, "Expected days to fill").fill("45")
    shots.take(recruiter, "recruiter-intake-form")
    recruiter.get_by_role("button", name="Record and propose").click()
    expect(recruiter.get_by_role("heading", name="Agreement", level=1)).to_be_visible()
    version = recruiter.get_by_role("region", name=re.compile(r"^Version 1\b"))
    expect(version.get_by_role("heading", level=2)).to_contain_text("Proposed")
    expect(version.get_by_role("term").filter(has_text="senior")).to_be_visible()
    expect(
        version.get_by_role("definition").filter(has_text="five years in production")
    ).to_be_visible()
    shots.take(recruiter, "recruiter-agreement-proposed")

    # --- 5. The hiring manager and HR acknowledge it: it is agreed and in force. ---
    acknowledge_agreement(hm, shots, "hm")
    acknowledge_agreement(hr, shots, "hr")
    expect(hr.get_by_text("Agreement v1 is agreed and in force.")).to_be_visible()
    version = hr.get_by_role("region", name=re.compile(r"^Version 1\b"))
    expect(version.get_by_role("heading", level=2)).to_contain_text("Agreed")
    expect(version.get_by_role("heading", level=2)).to_contain_text("In force")
    expect(version.get_by_role("listitem").filter(has_text=HM_NAME)).to_be_visible()
    expect(version.get_by_role("listitem").filter(has_text=HR_NAME)).to_be_visible()

    # --- 6. The recruiter submits the two candidates. ---
    open_role(recruiter, shots, "recruiter-agreed")
    expect(recruiter.get_by_text("Agreed v1")).to_be_visible()
    role_url = recruiter.url
    for number, (candidate, pitch, python, postgresql, notes) in enumerate(
        [
            (
                CANDIDATE,
                "Built the payments ledger at a fintech; wants ownership.",
                "Eight years of Django in production.",
                "Ran a 2 TB cluster, partitioning.",
                "Documents decisions; calm in incidents.",
            ),
            (
                SECOND_CANDIDATE,
                "Keeps a logistics platform up; wants to build, not only run.",
                "Writes the team's tooling in Python.",
                "Operates PostgreSQL replicas; little schema design.",
                "Steady on call; mentors juniors.",
            ),
        ],
        start=1,
    ):
        recruiter.goto(role_url)
        recruiter.get_by_role("link", name="Submit a candidate").click()
        recruiter.get_by_role("searchbox", name="Search").fill(candidate.split()[0])
        recruiter.get_by_role("radio", name=re.compile(rf"^{re.escape(candidate)} ")).check()
        field(recruiter, "Pitch").fill(pitch)
        field(recruiter, "Python").fill(python)
        field(recruiter, "PostgreSQL").fill(postgresql)
        field(recruiter, "Culture-fit notes").fill(notes)
        shots.take(recruiter, f"recruiter-submission-form-{number}")
        recruiter.get_by_role("button", name="Submit candidate").click()
        expect(recruiter.get_by_role("heading", name=candidate, level=1)).to_be_visible()
        expect(recruiter.get_by_text("Submitted", exact=True)).to_be_visible()
    shots.take(recruiter, "recruiter-submission-submitted")

    # --- 7. HR approves both sets of notes, each in place on the Approvals queue. ---
    main_nav(hr).get_by_role("link", name="Approvals").click()
    expect(hr.get_by_role("heading", name="Culture-fit approvals")).to_be_visible()
    expect(hr.get_by_text("2 sets of notes waiting for you")).to_be_visible()
    assert axe_violations(hr) == []
    shots.take(hr, "hr-approvals-queue")
    mark_page(hr)
    for candidate, left in [
        (CANDIDATE, "1 set of notes waiting for you"),
        (SECOND_CANDIDATE, "No other culture-fit notes are waiting for your approval."),
    ]:
        queue_card(hr, candidate).get_by_role("button", name="Approve the notes").click()
        expect(hr.get_by_text(f"Culture-fit notes on {candidate} approved.")).to_be_visible()
        expect(hr.get_by_text(left)).to_be_visible()
    assert same_page(hr)
    assert axe_violations(hr) == []
    shots.take(hr, "hr-approvals-done")

    # --- 8. The hiring manager decides in place: one review on a phone... ---
    phone = browser_users.new_page(viewport=PHONE, storage_state=hm.context.storage_state())
    phone.goto("/")
    main_nav(phone).get_by_role("link", name="Review queue").click()
    expect(phone.get_by_role("heading", name="Review queue", level=1)).to_be_visible()
    expect(phone.get_by_text("2 candidates waiting for your skills review")).to_be_visible()
    second = queue_card(phone, SECOND_CANDIDATE)
    expect(second.get_by_text("Approved by HR")).to_be_visible()
    assert axe_violations(phone) == []
    assert not scrolls_sideways(phone)
    shots.take(phone, "phone-hm-review-queue")
    mark_page(phone)
    # A rejection needs its reason: refused in place, the card keeps what was chosen.
    field(second, "PostgreSQL").select_option("2")
    second.get_by_role("button", name="Reject").click()
    expect(
        second.get_by_text("Tell the recruiter why, so the next candidate fits better.")
    ).to_be_visible()
    expect(field(second, "Comment")).to_be_focused()
    expect(field(second, "PostgreSQL")).to_have_value("2")
    assert axe_violations(phone) == []
    shots.take(phone, "phone-hm-review-refused")
    field(second, "Comment").fill("We need more schema design than replica care.")
    second.get_by_role("button", name="Reject").click()
    expect(phone.get_by_text(f"Review of {SECOND_CANDIDATE} saved: rejected.")).to_be_visible()
    expect(phone.get_by_text("1 candidate waiting for your skills review")).to_be_visible()
    expect(phone.locator("li.queue-card--decided")).to_be_focused()
    expect(queue_card(phone, CANDIDATE)).to_be_visible()
    assert same_page(phone)
    assert axe_violations(phone) == []
    assert not scrolls_sideways(phone)
    shots.take(phone, "phone-hm-review-decided")

    # --- ...and the other on a desktop, rating the must-haves and advancing. ---
    main_nav(hm).get_by_role("link", name="Review queue").click()
    expect(hm.get_by_role("heading", name="Review queue", level=1)).to_be_visible()
    expect(hm.get_by_role("link", name=SECOND_CANDIDATE)).to_have_count(0)
    first = queue_card(hm, CANDIDATE)
    expect(first.get_by_text("Approved by HR")).to_be_visible()
    assert axe_violations(hm) == []
    shots.take(hm, "hm-review-queue")
    mark_page(hm)
    field(first, "Python").select_option("5")
    field(first, "PostgreSQL").select_option("4")
    field(first, "Comment").fill("Strong on data; let's meet.")
    first.get_by_role("button", name="Advance to interviews").click()
    expect(hm.get_by_text(f"Review of {CANDIDATE} saved: advanced to interviews.")).to_be_visible()
    expect(hm.get_by_text("Nothing else is waiting for your review.")).to_be_visible()
    expect(hm.locator("li.queue-card--decided")).to_be_focused()
    assert same_page(hm)
    assert axe_violations(hm) == []
    shots.take(hm, "hm-review-queue-decided")

    # --- 9. The recruiter sees the whole story on the submission. ---
    open_role(recruiter, shots, "recruiter-interviewing")
    phone = browser_users.new_page(viewport=PHONE, storage_state=recruiter.context.storage_state())
    phone.goto(recruiter.url)
    expect(phone.get_by_role("heading", name=ROLE, level=1)).to_be_visible()
    shots.take(phone, "phone-recruiter-role")
    pipeline = recruiter.get_by_role("region", name="Candidates by stage")
    pipeline.get_by_role("link", name=CANDIDATE).click()
    expect(recruiter.get_by_role("heading", name=CANDIDATE, level=1)).to_be_visible()
    expect(recruiter.get_by_text("Interviewing", exact=True)).to_be_visible()
    shots.take(recruiter, "recruiter-submission-interviewing")

    # The timeline lists the newest entry first.
    timeline = recruiter.get_by_role("region", name="Timeline").get_by_role("listitem")
    texts = timeline.all_inner_texts()
    expected = [
        f"{CANDIDATE}: Hiring manager review → Interviewing",
        f"Skills review of {CANDIDATE}: Advance to interviews",
        f"{CANDIDATE}: Submitted → Hiring manager review",
        f"HR approved the culture-fit notes on {CANDIDATE}",
        f"{CANDIDATE} submitted for {ROLE}",
    ]
    positions = [
        next((index for index, text in enumerate(texts) if summary in text), None)
        for summary in expected
    ]
    assert None not in positions, f"missing from the timeline: {texts}"
    assert positions == sorted(positions), f"timeline out of order: {texts}"

    # The one error answer was the rejection without its reason: a 422, swapped in place
    # (as a response and in the console).
    refused = [error for error in browser_users.errors if "422" in error and "/review/" in error]
    assert len(refused) == 2, browser_users.errors
    assert [error for error in browser_users.errors if error not in refused] == []
