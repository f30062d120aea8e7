"""Filters every resource shares."""

from datetime import UTC

from django import forms
from django_filters import IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField


class MomentField(IsoDateTimeField):
    """An ISO 8601 time, normalised to UTC.

    Python accepts UTC offsets up to ±24 hours, PostgreSQL only up to ±16, so an
    offset is resolved here; a moment beyond the calendar is a field error, not a 500.
    """

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise forms.ValidationError("That time is out of range.", code="invalid") from error


class MomentFilter(IsoDateTimeFilter):
    field_class = MomentField


def updated_since_filter() -> MomentFilter:
    """`updated_since`: what an integration syncs incrementally (pair it with
    `ordering=updated_at`)."""
    return MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only those changed at or after this time (ISO 8601).",
    )
