"""Background work of the privacy app: the retention policy's daily run."""

from celery import shared_task

from privacy.services import retention


@shared_task(acks_late=True)
def apply_retention() -> int:
    """Each organization's retention run of the day, once; a crashed run is taken up
    by a later call once its lease has passed."""
    return retention.retention_runs_apply()
