"""Background work of the privacy app: the retention policy's daily run and candidate
exports. Tasks take ids, enter the right organization and call one service; the
services make every step safe to run twice."""

from celery import shared_task

from lib.tenancy import organization_context
from privacy import services


@shared_task(acks_late=True)
def apply_retention() -> int:
    """Each organization's retention run of the day, once; a crashed run is taken up
    by a later call once its lease has passed."""
    return services.retention_runs_apply()


@shared_task(acks_late=True)
def build_candidate_export(organization_id: str, export_id: int) -> None:
    with organization_context(organization_id):
        services.candidate_export_build(export_id=export_id)


@shared_task
def purge_expired_candidate_exports() -> int:
    return services.candidate_exports_purge_expired()


@shared_task
def requeue_stale_candidate_exports() -> int:
    return services.candidate_exports_requeue_stale()
