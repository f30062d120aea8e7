"""The daily digest: one mail a day per member, listing what is overdue and due soon
and, for a hiring manager or HR, the agreement proposals waiting for their
acknowledgement.

A scan every quarter of an hour (`digests_send`) visits each organization and
each of its members whose local time has passed 08:00. The member's day is
claimed by inserting a `DigestLog` for (member, local date) under its unique
constraint, so however many scans run, one wins; the mail is rendered in the
claim's transaction and sent after it commits. A day with nothing to report is
claimed all the same, without a mail, so it is not looked at again.

The local date is the organization's for agency members and their client's for
hiring managers and HR, whose working day is the client's. A member of two
organizations gets each organization's digest.

Delivery is at most once: a mail server failure after the claim loses that day's
digest (logged) rather than risk sending it twice; tomorrow's lists everything
still open.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.selectors import all_organization_ids
from engagements.models import DigestLog, ResponseClock
from engagements.selectors import attention_clocks
from intake.selectors import AwaitingAcknowledgement, agreements_awaiting_acknowledgement
from lib.mail import RenderedMail, render_mail
from lib.tenancy import organization_context

logger = logging.getLogger(__name__)

DIGEST_FROM = time(8, 0)  # local time after which a member's digest goes out


def member_timezone(*, membership: Membership, organization: Organization) -> ZoneInfo:
    """The member's working timezone: their client's for HM and HR, else the agency's."""
    name = organization.timezone
    if membership.is_client_user and membership.client is not None:
        name = membership.client.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def digest_items(
    *, membership: Membership, now: datetime
) -> tuple[list[ResponseClock], list[ResponseClock]]:
    """(overdue, due within 48 hours) for the member, as the home page shows them:
    the agency sees every open clock, a client user what they themselves owe."""
    clocks = attention_clocks(membership=membership)
    if membership.is_client_user:
        clocks = [clock for clock in clocks if clock.owed_by == membership.role]
    overdue = [clock for clock in clocks if clock.due_at <= now]
    due_soon = [clock for clock in clocks if clock.due_at > now]
    return overdue, due_soon


@dataclass(frozen=True)
class DigestMail:
    membership_id: int
    to: str
    mail: RenderedMail


def digest_claim(
    *, membership: Membership, organization: Organization, local_date: date, now: datetime
) -> DigestMail | None:
    """Claim the member's digest for `local_date`; returns the mail queued, if any.

    The unique (member, local date) insert is the claim; the mail is sent after
    the claim commits, so a rolled-back claim never mails.
    """
    with transaction.atomic():
        # get_or_create inserts in a savepoint: a concurrent scan's insert makes
        # this one wait on the unique index, then fail and find the winner's row.
        _, created = DigestLog.objects.get_or_create(
            organization_id=membership.organization_id,
            membership=membership,
            local_date=local_date,
        )
        if not created:
            return None
        overdue, due_soon = digest_items(membership=membership, now=now)
        # A hiring manager's or HR's day also lists the proposals waiting for them.
        awaiting = agreements_awaiting_acknowledgement(membership=membership)
        if awaiting is not None and not awaiting.count.value:
            awaiting = None
        if not overdue and not due_soon and awaiting is None:
            return None
        mail = _render(
            membership=membership,
            organization=organization,
            local_date=local_date,
            overdue=overdue,
            due_soon=due_soon,
            awaiting=awaiting,
            now=now,
        )
        transaction.on_commit(lambda: _send(mail))
    return mail


def digests_send_organization(*, organization_id: str, now: datetime) -> int:
    """Claim today's digest of every member of the active organization whose local
    time has passed 08:00 and who has not had it; returns how many mails were queued."""
    organization = Organization.objects.get(pk=organization_id)
    members = Membership.objects.filter(user__is_active=True).select_related("user", "client")
    waiting: list[tuple[Membership, date]] = []
    for member in members.order_by("pk"):
        local = now.astimezone(member_timezone(membership=member, organization=organization))
        if local.time() >= DIGEST_FROM:
            waiting.append((member, local.date()))
    if not waiting:
        return 0
    # One query skips everyone already done today, so a scan every quarter of an
    # hour costs a query per organization once the day's digests are out.
    done = set(
        DigestLog.objects.filter(
            membership_id__in=[member.pk for member, _ in waiting],
            local_date__in={day for _, day in waiting},
        ).values_list("membership_id", "local_date")
    )
    queued = 0
    for member, day in waiting:
        if (member.pk, day) in done:
            continue
        if digest_claim(membership=member, organization=organization, local_date=day, now=now):
            queued += 1
    return queued


def digests_send(*, now: datetime | None = None) -> int:
    """The periodic scan: every organization, each in its own context."""
    now = now or timezone.now()
    queued = 0
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            queued += digests_send_organization(organization_id=organization_id, now=now)
    return queued


def _render(
    *,
    membership: Membership,
    organization: Organization,
    local_date: date,
    overdue: list[ResponseClock],
    due_soon: list[ResponseClock],
    awaiting: AwaitingAcknowledgement | None,
    now: datetime,
) -> DigestMail:
    site = settings.SITE_URL.rstrip("/")

    def item(clock: ResponseClock) -> dict:
        submission = clock.submission
        return {
            "clock": clock,
            "candidate": submission.candidate.full_name,
            "role": clock.role.title,
            "client": clock.client.name,
            "what": clock.get_kind_display(),
            "url": site + reverse("recruiting:submission-detail", args=[submission.public_id]),
        }

    context = {
        "membership": membership,
        "organization": organization,
        "local_date": local_date,
        "tz": member_timezone(membership=membership, organization=organization).key,
        "overdue": [item(clock) for clock in overdue],
        "due_soon": [item(clock) for clock in due_soon],
        "awaiting": awaiting,
        "agreements": [
            {
                "agreement": agreement,
                "url": site
                + reverse("intake:agreement-detail", args=[agreement.role.public_id])
                + f"#version-{agreement.version}",
            }
            for agreement in (awaiting.first if awaiting else [])
        ],
        "home_url": site + reverse("home"),
        "now": now,
    }
    return DigestMail(
        membership_id=membership.pk,
        to=membership.user.email,
        mail=render_mail("digest", context),
    )


def _send(mail: DigestMail) -> None:
    try:
        mail.mail.send(to=mail.to)
    except OSError:  # SMTP or socket: at most once, tomorrow's digest lists it again
        logger.warning("Could not send the digest of membership %s", mail.membership_id)
