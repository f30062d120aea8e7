from privacy.services.erasure import AlreadyErased, candidate_erase
from privacy.services.export import (
    candidate_export_build,
    candidate_export_open,
    candidate_export_request,
    candidate_exports_purge_expired,
    candidate_exports_requeue_stale,
)
from privacy.services.retention import retention_policy_update, retention_run, retention_runs_apply

__all__ = [
    "AlreadyErased",
    "candidate_erase",
    "candidate_export_build",
    "candidate_export_open",
    "candidate_export_request",
    "candidate_exports_purge_expired",
    "candidate_exports_requeue_stale",
    "retention_policy_update",
    "retention_run",
    "retention_runs_apply",
]
