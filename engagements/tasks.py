"""Background work for nudges, reminders and digests. Tasks take ids, enter
the right organization and call one service; the services make every step safe to
run twice."""

from celery import shared_task

from engagements.services import digests, nudges, reminders
from lib.tenancy import organization_context


@shared_task(acks_late=True)
def scan_due_nudges() -> int:
    """Claim every due (clock, level) pair; each claim enqueues its delivery after commit."""
    return len(nudges.nudges_scan())


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),  # SMTP and socket failures; copies already sent stay sent
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=10,
)
def deliver_nudge(organization_id: str, nudge_id: int) -> None:
    with organization_context(organization_id):
        nudges.nudge_deliver(nudge_id=nudge_id)


@shared_task(acks_late=True)
def requeue_stale_nudges() -> int:
    """The safety net: claimed nudges whose delivery never ran are enqueued again."""
    return nudges.nudges_requeue_stale()


@shared_task(acks_late=True)
def send_daily_digests() -> int:
    """Each member's digest once their local day has reached 08:00; a claimed day is
    never mailed twice, however many times this runs."""
    return digests.digests_send()


@shared_task(acks_late=True)
def scan_reminders() -> int:
    """Claim missed check-ins and targets behind; each claim is mailed after commit."""
    return len(reminders.reminders_scan())
