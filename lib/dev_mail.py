"""Mail on a developer's machine: one console line per message, the messages at /dev/mail/.

`make run`'s web server, worker and beat are three processes, and the mail a page
shows may have been sent by the worker, so each message is written as a file
(`.eml`, the message as it would go out) to one folder, `DEV_MAIL_DIR`, that the
pages read. The pages answer only with DEBUG on (404 otherwise): they show every
organization's mail, invitations and password resets included, to whoever opens
them, as a developer's own outbox should and a server's never may.
"""

import logging
import re
from dataclasses import dataclass, replace
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lib.pagination import page_nav

logger = logging.getLogger("rapport.mail")

MAILS_PER_PAGE = 50
# Names the backend writes: a sortable moment, then a counter for messages of one instant.
MAIL_NAME = re.compile(r"^\d{8}T\d{6}\d{6}-\d+$")


class MailFolderBackend(BaseEmailBackend):
    """Write each message to `DEV_MAIL_DIR` and log one line: its recipients and subject."""

    def send_messages(self, email_messages) -> int:
        folder = Path(settings.DEV_MAIL_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = _free_name(folder, stamp)
            path.write_bytes(message.message().as_bytes())
            logger.info("mail to %s: %s", ", ".join(recipients), message.subject)
            sent += 1
        return sent


def _free_name(folder: Path, stamp: str) -> Path:
    number = 0
    while (path := folder / f"{stamp}-{number}.eml").exists():
        number += 1
    return path


@dataclass(frozen=True)
class SentMail:
    name: str
    sent_at: datetime | None
    to: str
    subject: str
    text: str = ""
    html: str = ""


def _read(path: Path, *, bodies: bool) -> SentMail:
    message: EmailMessage = message_from_bytes(path.read_bytes(), policy=policy.default)
    date = message["Date"]
    mail = SentMail(
        name=path.stem,
        sent_at=parsedate_to_datetime(date) if date else None,
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
    )
    if not bodies:
        return mail
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    return replace(
        mail, text=text.get_content() if text else "", html=html.get_content() if html else ""
    )


def sent_mail_names() -> list[str]:
    """The messages written so far, newest first."""
    folder = Path(settings.DEV_MAIL_DIR)
    if not folder.is_dir():
        return []
    return sorted((path.stem for path in folder.glob("*.eml")), reverse=True)


def sent_mail_get(*, name: str) -> SentMail:
    path = Path(settings.DEV_MAIL_DIR) / f"{name}.eml"
    if not MAIL_NAME.match(name) or not path.is_file():
        raise Http404
    return _read(path, bodies=True)


def _require_debug() -> None:
    if not settings.DEBUG:
        raise Http404


@require_GET
def mail_list(request: HttpRequest) -> HttpResponse:
    """The sent mails, newest first, a page of them at a time."""
    _require_debug()
    page = Paginator(sent_mail_names(), MAILS_PER_PAGE).get_page(request.GET.get("page"))
    folder = Path(settings.DEV_MAIL_DIR)
    mails = [_read(folder / f"{name}.eml", bodies=False) for name in page.object_list]
    return render(
        request,
        "lib/dev_mail_list.html",
        {"mails": mails, "nav": page_nav(page, request.GET), "count": page.paginator.count},
    )


@require_GET
def mail_detail(request: HttpRequest, name: str) -> HttpResponse:
    _require_debug()
    return render(request, "lib/dev_mail_detail.html", {"mail": sent_mail_get(name=name)})


@require_GET
def mail_html(request: HttpRequest, name: str) -> HttpResponse:
    """The HTML part on its own, sandboxed: it runs nothing, loads nothing and reaches
    nothing of ours (its inline styles are dropped too: it is a preview of the content)."""
    _require_debug()
    mail = sent_mail_get(name=name)
    if not mail.html:
        raise Http404
    response = HttpResponse(mail.html)
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
