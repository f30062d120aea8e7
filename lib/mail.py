"""Emails as template triples: `templates/emails/<name>.{subject.txt,txt,html}`."""

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str

    def send(self, *, to: str) -> None:
        message = EmailMultiAlternatives(subject=self.subject, body=self.text, to=[to])
        message.attach_alternative(self.html, "text/html")
        message.send()


def render_mail(name: str, context: dict) -> RenderedMail:
    """Render a mail now (e.g. inside the transaction that claims it) to send later."""
    return RenderedMail(
        subject=render_to_string(f"emails/{name}.subject.txt", context).strip(),
        text=render_to_string(f"emails/{name}.txt", context),
        html=render_to_string(f"emails/{name}.html", context),
    )


def send_mail(name: str, context: dict, *, to: str) -> None:
    render_mail(name, context).send(to=to)
