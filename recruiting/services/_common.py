"""Checks every recruiting service shares."""

import zoneinfo

from django.core.exceptions import ValidationError

from accounts.models import Membership


def require_same_organization(actor: Membership, *objects) -> None:
    """Foreign keys are not filtered by row-level security, so every object a
    service is handed is checked against the actor's organization."""
    for obj in objects:
        if obj is not None and obj.organization_id != actor.organization_id:
            raise ValidationError("That belongs to another organization.")


def validate_timezone(name: str) -> str:
    if name not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": f"“{name}” is not a known timezone."})
    return name


def clean_text_list(values: list[str] | None) -> list[str]:
    """Trimmed, non-empty, de-duplicated entries, in the order given."""
    seen: dict[str, None] = {}
    for value in values or []:
        value = value.strip()
        if value:
            seen.setdefault(value, None)
    return list(seen)
