"""Checks every recruiting service shares."""

import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError


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


def _external_reference_taken(obj) -> ValidationError:
    return ValidationError(
        {
            "external_id": f"Another {obj._meta.verbose_name} has this id in "
            f"{obj.external_source or 'that system'}."
        }
    )


@contextmanager
def external_reference_checked(
    obj, *, unique: dict[str, tuple[str, str]] | None = None
) -> Iterator[None]:
    """Around the save of an importable row: its `(external_source, external_id)` must be
    free in the organization, or the save is refused as a field error.

    The check before the save answers the common case; two writers claiming one
    reference at once both pass it, and the unique constraint stops the second,
    whose database error becomes the same field error. `unique` maps the row's
    other unique constraints to the field error their violation means, for the
    same race on other fields. Enter this before the save's `transaction.atomic()`,
    so the failed statement is rolled back first.
    """
    if obj.external_id:
        if not obj.external_source:
            raise ValidationError({"external_source": "Name the system the external id is from."})
        taken = type(obj).objects.filter(
            external_source=obj.external_source, external_id=obj.external_id
        )
        if taken.exclude(pk=obj.pk).exists():
            raise _external_reference_taken(obj)
    try:
        yield
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") or ""
        if constraint.endswith("_external_ref_unique"):
            raise _external_reference_taken(obj) from error
        if constraint in (unique or {}):
            field, message = unique[constraint]
            raise ValidationError({field: message}) from error
        raise
