"""Writes for the engagement record, split by sub-domain; import from here."""

from engagements.models import ClockOutcome
from engagements.services.clocks import (
    OWED_BY_KIND,
    clock_due_at,
    clock_open,
    clocks_apply_competing_deadline,
    clocks_close,
    owed_by_for_stage,
)

__all__ = [
    "OWED_BY_KIND",
    "ClockOutcome",
    "clock_due_at",
    "clock_open",
    "clocks_apply_competing_deadline",
    "clocks_close",
    "owed_by_for_stage",
]
