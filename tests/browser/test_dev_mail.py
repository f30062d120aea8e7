"""The development sent-mail pages in a real browser, on a desk and on a phone."""

import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_violations, scrolls_sideways

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_developer_reads_a_sent_mail(browser_users, screenshots, tmp_path, viewport):
    with override_settings(
        DEBUG=True, EMAIL_BACKEND="lib.dev_mail.MailFolderBackend", DEV_MAIL_DIR=str(tmp_path)
    ):
        message = EmailMultiAlternatives(
            subject="[Rapport] Ada Lovelace has waited 3 business days for your review",
            body="Hana,\n\nPlease review: http://127.0.0.1:8000/a/very-long-one-click-link-"
            + "x" * 80,
            to=["hana@acme.test"],
        )
        message.attach_alternative("<p>Please review.</p>", "text/html")
        message.send()
        page = browser_users.new_page(viewport=viewport)
        page.goto("/dev/mail/")
        expect(page.get_by_role("heading", name="Sent mail")).to_be_visible()
        assert axe_violations(page) == []
        assert not scrolls_sideways(page)
        screenshots.take(page, f"dev-mail-list-{viewport['width']}")
        page.get_by_role("link", name="Ada Lovelace has waited").click()
        expect(page.get_by_role("heading", name="Ada Lovelace has waited")).to_be_visible()
        expect(page.get_by_text("Please review:")).to_be_visible()
        assert axe_violations(page) == []
        assert not scrolls_sideways(page)
        screenshots.take(page, f"dev-mail-detail-{viewport['width']}")
    assert browser_users.errors == []
