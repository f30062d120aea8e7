"""Development mail (lib/dev_mail.py): one console line per message, the messages at
/dev/mail/ with DEBUG on, and nothing there with it off."""

import logging

import pytest
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

BACKEND = "lib.dev_mail.MailFolderBackend"


@pytest.fixture
def mail_folder(tmp_path):
    with override_settings(EMAIL_BACKEND=BACKEND, DEV_MAIL_DIR=str(tmp_path)):
        yield tmp_path


def _send(subject="Your review is overdue", to="hana@acme.test"):
    message = EmailMultiAlternatives(subject=subject, body="Please review Ada.", to=[to])
    message.attach_alternative("<p>Please review <b>Ada</b>.</p>", "text/html")
    message.send()


def test_each_sent_mail_is_one_console_line_with_its_recipient_and_subject(mail_folder, caplog):
    with caplog.at_level(logging.INFO, logger="rapport.mail"):
        _send()
        _send(subject="Weekly report", to="harriet@acme.test")
    assert [record.getMessage() for record in caplog.records] == [
        "mail to hana@acme.test: Your review is overdue",
        "mail to harriet@acme.test: Weekly report",
    ]
    assert len(list(mail_folder.glob("*.eml"))) == 2


def test_the_sent_mail_page_lists_the_newest_first_and_shows_each(client, db, mail_folder):
    _send(subject="First")
    _send(subject="Second", to="new@northwind.test")
    _send(subject="Third")
    with override_settings(DEBUG=True):
        listing = client.get("/dev/mail/")
        assert listing.status_code == 200
        mails = listing.context["mails"]
        assert [mail.subject for mail in mails] == ["Third", "Second", "First"]
        assert "new@northwind.test" in listing.text
        detail = client.get(f"/dev/mail/{mails[0].name}/")
        assert detail.status_code == 200
        assert "Please review Ada." in detail.text
        html = client.get(f"/dev/mail/{mails[0].name}/html")
    assert html.status_code == 200
    assert html.text == "<p>Please review <b>Ada</b>.</p>"
    assert html["Content-Security-Policy"].startswith("sandbox")


def test_the_sent_mail_pages_are_not_found_without_debug(client, db, mail_folder):
    _send()
    name = next(mail_folder.glob("*.eml")).stem
    for url in ("/dev/mail/", f"/dev/mail/{name}/", f"/dev/mail/{name}/html"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", ["..", "..%2F..%2Fsettings", "20261206T000000000000-0x", "x"])
def test_only_a_sent_mail_name_opens_a_file(client, db, mail_folder, name):
    with override_settings(DEBUG=True):
        assert client.get(f"/dev/mail/{name}/").status_code == 404


def test_a_long_list_is_paged(client, db, mail_folder):
    for number in range(51):
        _send(subject=f"Mail {number}")
    with override_settings(DEBUG=True):
        first = client.get("/dev/mail/")
        second = client.get("/dev/mail/?page=2")
    assert len(first.context["mails"]) == 50
    assert [mail.subject for mail in second.context["mails"]] == ["Mail 0"]
