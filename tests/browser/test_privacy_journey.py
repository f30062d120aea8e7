"""A candidate's data protection rights in a real browser, as an agency admin meets them:
the admin exports everything held about a candidate and downloads the ZIP, then erases
the candidate with the typed confirmation, finds them nowhere (the header's search, the
candidate list), and sees the export and the erasure in the security log.

The worker's part of the export (building the ZIP) runs here through the task's own
function, as the worker would call it; `tests/test_celery_worker.py` runs it through a
real worker."""

import io
import json
import re
import zipfile

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from lib.tenancy import organization_context
from privacy.models import CandidateExport
from privacy.tasks import build_candidate_export
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways
from tests.browser.test_engagement_journey import field, sign_in, user_menu
from tests.factories import CandidateFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.browser

SIZES = {"desktop": DESKTOP, "phone": PHONE}
ADMIN_EMAIL = "ada.admin@northwind.test"
NAME = "Xanthe Okonkwo-Lindqvist"
EMAIL = "xanthe.ol@mail.example"


@pytest.fixture
def agency(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organization = OrganizationFactory(name="Northwind Talent")
    user = UserFactory(email=ADMIN_EMAIL)
    EmailAddress.objects.create(user=user, email=ADMIN_EMAIL, primary=True, verified=True)
    MembershipFactory(organization=organization, role="admin", user=user)
    candidate = CandidateFactory(
        organization=organization,
        full_name=NAME,
        email=EMAIL,
        internal_notes=f"{NAME} prefers calls after six.",
    )
    return {"organization": organization, "candidate": candidate}


def assert_fits_and_passes_axe(page: Page) -> None:
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_an_admin_exports_then_erases_a_candidate_and_finds_them_nowhere(
    browser_users, screenshots, agency, size
):
    organization, candidate = agency["organization"], agency["candidate"]
    page = browser_users.new_page(viewport=SIZES[size])
    sign_in(page, ADMIN_EMAIL, screenshots, f"privacy-{size}-login")

    # The right of access: the export, asked for on the candidate's page.
    page.goto(f"/candidates/{candidate.public_id}/")
    page.get_by_role("link", name="Export data").click()
    expect(page.get_by_role("heading", name="Data export")).to_be_visible()
    page.get_by_role("button", name="Prepare an export").click()
    expect(page.get_by_text("Being prepared…")).to_be_visible()
    with organization_context(organization.id):
        export = CandidateExport.objects.get()
    build_candidate_export(str(organization.id), export.pk)
    # The page asks again every few seconds while one is being prepared.
    download_link = page.get_by_role("link", name=re.compile("^Download ZIP"))
    expect(download_link).to_be_visible(timeout=10_000)
    assert_fits_and_passes_axe(page)
    screenshots.take(page, f"privacy-{size}-export-ready")
    with page.expect_download() as download:
        download_link.click()
    with zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes())) as archive:
        document = json.loads(archive.read("candidate.json"))
    assert EMAIL in json.dumps(document)

    # The right to erasure: a wrong name erases nothing, the right one erases them.
    page.goto(f"/candidates/{candidate.public_id}/")
    page.get_by_role("link", name="Erase…").click()
    assert_fits_and_passes_axe(page)
    confirm = field(page, "Type the candidate's full name to confirm")
    confirm.fill("Xanthe Okonkwo")
    page.get_by_role("button", name="Erase this candidate").click()
    expect(page.get_by_role("heading", name=f"Erase {NAME}")).to_be_visible()
    confirm.fill(NAME)
    screenshots.take(page, f"privacy-{size}-erase")
    page.get_by_role("button", name="Erase this candidate").click()
    expect(page.get_by_role("heading", name=re.compile("^Erased candidate "))).to_be_visible()

    # Nowhere to be found: not by the header's search, not in the list.
    for query in ("Okonkwo", EMAIL):
        page.goto(f"/search/?q={query}")
        expect(page.get_by_text(NAME)).to_have_count(0)
    page.goto("/candidates/?q=Xanthe")
    expect(page.get_by_text(NAME)).to_have_count(0)
    page.goto(f"/candidates/{candidate.public_id}/exports/")
    expect(page.get_by_role("link", name=re.compile("^Download ZIP"))).to_have_count(0)

    # The security log shows the export and the erasure, by the candidate's public id.
    user_menu(page).get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Security log").click()
    log = page.get_by_role("table")
    for kind in ("Candidate erased", "Candidate's data exported"):
        row = log.get_by_role("row").filter(has_text=kind)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(f"candidate {candidate.public_id}")
        expect(row).to_contain_text(ADMIN_EMAIL)
    expect(page.get_by_text(NAME)).to_have_count(0)
    assert_fits_and_passes_axe(page)
    screenshots.take(page, f"privacy-{size}-security-log")
