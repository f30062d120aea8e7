"""Background work for the clients' weekly reports. Tasks take ids, enter the right
organization and call one service; the services make every step safe to run twice."""

from celery import shared_task

from lib.tenancy import organization_context
from metrics.services import reports


@shared_task(acks_late=True)
def scan_weekly_reports() -> int:
    """Claim this week's report of each client whose Monday 08:00 has passed; each claim
    enqueues its delivery after commit."""
    return len(reports.weekly_reports_scan())


@shared_task(acks_late=True)
def deliver_weekly_report(organization_id: str, report_id: int) -> None:
    with organization_context(organization_id):
        reports.weekly_report_deliver(report_id=report_id)


@shared_task(acks_late=True)
def requeue_stale_weekly_reports() -> int:
    """The safety net: claimed reports whose delivery never ran are enqueued again."""
    return reports.weekly_reports_requeue_stale()
