"""The client's weekly report: last week's figures for both sides, mailed each Monday.

A scan every quarter of an hour (`weekly_reports_scan`) visits each organization and
each client opted in (`Client.weekly_report`) whose local Monday 08:00 has passed
this week. The client's week is claimed by inserting a `WeeklyReport` for (client,
local Monday) under its unique constraint (`outbox.insert_claims`), so however many
scans run at once, one inserts the row; delivery is enqueued after the claim commits,
one task per client. Delivery moves the row out of `pending` by a conditional update
(one caller wins), renders a mail per recipient with one-click action links in that
transaction, and sends after it commits. A sweep enqueues again the reports claimed
but never delivered (broker down, worker killed). The outbox contract is
lib/outbox.py's; docs/metrics.md describes the report.

Delivery is at most once: a mail server failure after the delivery committed loses
that copy (logged) rather than risk sending it twice.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, MembershipRole
from accounts.selectors import all_organization_ids
from engagements.models import ResponseClock
from engagements.services.nudges import action_link_create
from lib import outbox
from lib.mail import RenderedMail, render_mail
from lib.tenancy import organization_context
from metrics.models import WeeklyReport, WeeklyReportStatus
from metrics.selectors import ClientScorecard, MetricsFilter, Window, metrics_client_scorecards
from recruiting.models import Client, Contact, ContactKind

logger = logging.getLogger(__name__)

REPORT_FROM = time(8, 0)  # the client's local time on Monday after which the report goes
# How long after Monday 08:00 a scan still claims the week's report: beat down for less
# than this delays it; longer, that week is skipped rather than sent late in the week
# (and a client added mid-week waits for next Monday).
CATCH_UP = timedelta(days=1)
# A claimed report not delivered after this long is handed to a worker again.
STALE_AFTER = timedelta(minutes=10)
STALE_BATCH = 500
# Overdue items listed in the mail (each a one-click link per member); the rest counted.
MAX_ITEMS = 25
ONCE = "weekly_report_once_per_week"

REPORTS = outbox.Outbox(
    model=WeeklyReport,
    task="metrics.tasks.deliver_weekly_report",
    # Pending and not enqueued for STALE_AFTER (metrics/migrations/0002).
    stale_claims_sql=(
        "SELECT report_id, organization_id FROM rapport_stale_weekly_reports(%s, %s)"
    ),
)


def client_zone(client: Client) -> ZoneInfo:
    try:
        return ZoneInfo(client.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def latest_report_week(*, client: Client, now: datetime) -> date:
    """The client's local Monday of the latest report due by `now` (from its 08:00)."""
    zone = client_zone(client)
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    if local < datetime.combine(monday, REPORT_FROM, tzinfo=zone):
        monday -= timedelta(days=7)
    return monday


def report_week(*, client: Client, now: datetime) -> date | None:
    """The client's local Monday of the current week while its report is due (from
    Monday 08:00 local, for CATCH_UP), else None."""
    monday = latest_report_week(client=client, now=now)
    due_from = datetime.combine(monday, REPORT_FROM, tzinfo=client_zone(client))
    return monday if now < due_from + CATCH_UP else None


def report_window(week: date) -> Window:
    """Last week: the seven metrics days (UTC days, docs/metrics.md) before `week`."""
    return Window(week - timedelta(days=7), week)


# --- Claim -----------------------------------------------------------------------------


def weekly_reports_claim_organization(*, organization_id: str, now: datetime) -> list[int]:
    """Claim this week's report of every opted-in client of the active organization
    whose Monday 08:00 has passed; returns the ids of the reports this call claimed.
    Their delivery is enqueued once the claims commit."""
    with transaction.atomic():
        due = []
        for client in Client.objects.filter(weekly_report=True).only("pk", "timezone"):
            week = report_week(client=client, now=now)
            if week is not None:
                due.append((client.pk, week))
        if not due:
            return []
        # One query skips the clients done this week, so that a scan every quarter of
        # an hour writes nothing once the week's reports are out.
        done = set(
            WeeklyReport.objects.filter(
                client_id__in=[client_id for client_id, _ in due],
                week__in={week for _, week in due},
            ).values_list("client_id", "week")
        )
        rows = [
            {"organization_id": organization_id, "client_id": client_id, "week": week}
            for client_id, week in due
            if (client_id, week) not in done
        ]
        ids = [row[0] for row in outbox.insert_claims(WeeklyReport, rows, constraint=ONCE)]
        if ids:
            transaction.on_commit(lambda: REPORTS.enqueue(organization_id=organization_id, ids=ids))
    return ids


def weekly_reports_scan(*, now: datetime | None = None) -> list[int]:
    """The periodic scan: every organization, each in its own context."""
    now = now or timezone.now()
    claimed: list[int] = []
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            claimed += weekly_reports_claim_organization(organization_id=organization_id, now=now)
    return claimed


def weekly_reports_requeue_stale(*, now: datetime | None = None) -> int:
    """Enqueue again every claimed report whose delivery has not happened in time."""
    now = now or timezone.now()
    return REPORTS.requeue_stale(now - STALE_AFTER, STALE_BATCH)


# --- Content -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    membership: Membership | None


def weekly_report_recipients(*, client: Client) -> list[Recipient]:
    """The client's hiring manager and HR contacts and its escalation contact, once per
    address; a contact linked to a login of this client gets that member's links."""
    contacts = list(
        Contact.objects.filter(
            client=client, kind__in=[ContactKind.HIRING_MANAGER, ContactKind.HR]
        ).order_by("full_name", "pk")
    )
    if client.escalation_contact_id is not None:
        escalation = Contact.objects.filter(pk=client.escalation_contact_id).first()
        if escalation is not None:
            contacts.append(escalation)
    users = [contact.user_id for contact in contacts if contact.user_id]
    members = {
        member.user_id: member
        for member in Membership.objects.filter(
            user_id__in=users, client_id=client.pk, user__is_active=True
        ).select_related("user")
    }
    found: dict[str, Recipient] = {}
    for contact in contacts:
        if contact.email:
            found.setdefault(
                contact.email.lower(),
                Recipient(contact.email, contact.full_name, members.get(contact.user_id)),
            )
    return list(found.values())


def weekly_report_figures(*, client: Client, week: date) -> ClientScorecard:
    """Last week's figures for both sides, read as the client's own users read them
    (a reader confined to this client; it is never saved)."""
    reader = Membership(
        organization_id=client.organization_id,
        role=MembershipRole.HIRING_MANAGER,
        client_id=client.pk,
    )
    page = metrics_client_scorecards(
        membership=reader,
        window=report_window(week),
        filters=MetricsFilter(client_id=client.pk),
        page_size=1,
    )
    return page.items[0]


def weekly_report_overdue(*, client: Client, now: datetime) -> tuple[list[ResponseClock], int]:
    """The client's answers overdue now, most overdue first (at most MAX_ITEMS), and
    how many there are."""
    clocks = ResponseClock.objects.filter(
        client=client, closed_at__isnull=True, due_at__lte=now
    ).order_by("due_at", "pk")
    listed = list(clocks.select_related("submission__candidate", "role", "contact")[:MAX_ITEMS])
    total = len(listed) if len(listed) < MAX_ITEMS else clocks.count()
    return listed, total


def _render(
    *,
    report: WeeklyReport,
    recipient: Recipient,
    figures: ClientScorecard,
    overdue: list[ResponseClock],
    overdue_total: int,
    now: datetime,
) -> RenderedMail:
    site = settings.SITE_URL.rstrip("/")
    client = report.client

    def item(clock: ResponseClock) -> dict:
        path = reverse("recruiting:submission-detail", args=[clock.submission.public_id])
        if recipient.membership is not None:
            path = action_link_create(nudge=None, membership=recipient.membership, path=path)
        return {
            "clock": clock,
            "candidate": clock.submission.candidate.full_name,
            "role": clock.role.title,
            "what": clock.get_kind_display(),
            "overdue_by": _human(now - clock.due_at),
            "url": site + path,
        }

    window = report_window(report.week)
    context = {
        "client": client,
        "organization": report.organization,
        "recipient": recipient,
        "week_start": window.start,
        "week_end": window.end - timedelta(days=1),
        "client_side": figures.client_side,
        "agency_side": figures.agency_side,
        "overdue": [item(clock) for clock in overdue],
        "overdue_total": overdue_total,
        "overdue_more": overdue_total - len(overdue),
        "client_url": site + reverse("recruiting:client-detail", args=[client.public_id]),
        "now": now,
    }
    return render_mail("weekly_report", context)


@dataclass(frozen=True)
class WeeklyReportPreview:
    week: date
    recipients: list[Recipient]
    mail: RenderedMail


def weekly_report_preview(*, client: Client, now: datetime) -> WeeklyReportPreview:
    """The latest weekly report as the client's contacts got it, or would have had it
    been on: its figures and overdue items as of `now`, its links plain (a preview
    mints no one-click action links), and who it goes to."""
    week = latest_report_week(client=client, now=now)
    recipients = weekly_report_recipients(client=client)
    overdue, overdue_total = weekly_report_overdue(client=client, now=now)
    mail = _render(
        # Never saved: the preview is not a report, and claims no week.
        report=WeeklyReport(organization=client.organization, client=client, week=week),
        recipient=Recipient(email="", name="", membership=None),
        figures=weekly_report_figures(client=client, week=week),
        overdue=overdue,
        overdue_total=overdue_total,
        now=now,
    )
    return WeeklyReportPreview(week=week, recipients=recipients, mail=mail)


def _human(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


# --- Deliver -----------------------------------------------------------------------------


def weekly_report_deliver(*, report_id: int) -> WeeklyReport | None:
    """Deliver one claimed report, once.

    The conditional update out of `pending` is the delivery's claim: two workers
    given the same report (a duplicate message, the sweep) both read it pending, one
    update matches. The winner renders every recipient's mail, with their action
    links, in the claiming transaction and sends them after it commits.
    """
    now = timezone.now()
    with transaction.atomic():
        report = (
            WeeklyReport.objects.select_related("client__organization", "organization")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status != WeeklyReportStatus.PENDING:
            return report
        client = report.client
        recipients = weekly_report_recipients(client=client) if client.weekly_report else []
        if not recipients:  # opted out since the claim, or no one to tell
            outbox.claim(
                WeeklyReport.objects,
                pk=report.pk,
                expect={"status": WeeklyReportStatus.PENDING},
                status=WeeklyReportStatus.SKIPPED,
                updated_at=now,
            )
            return report
        if not outbox.claim(
            WeeklyReport.objects,
            pk=report.pk,
            expect={"status": WeeklyReportStatus.PENDING},
            status=WeeklyReportStatus.SENT,
            sent_at=now,
            recipients=len(recipients),
            updated_at=now,
        ):
            return report
        figures = weekly_report_figures(client=client, week=report.week)
        overdue, overdue_total = weekly_report_overdue(client=client, now=now)
        mails = [
            (
                recipient.email,
                _render(
                    report=report,
                    recipient=recipient,
                    figures=figures,
                    overdue=overdue,
                    overdue_total=overdue_total,
                    now=now,
                ),
            )
            for recipient in recipients
        ]
        transaction.on_commit(lambda: _send(report.pk, mails))
    return report


def _send(report_id: int, mails: list[tuple[str, RenderedMail]]) -> None:
    for to, mail in mails:
        try:
            mail.send(to=to)
        except OSError:  # SMTP or socket: at most once, next week's report follows
            logger.warning("Could not send weekly report %s to a recipient", report_id)
