from privacy.services.erasure import AlreadyErased, candidate_erase
from privacy.services.retention import retention_policy_update, retention_run, retention_runs_apply

__all__ = [
    "AlreadyErased",
    "candidate_erase",
    "retention_policy_update",
    "retention_run",
    "retention_runs_apply",
]
