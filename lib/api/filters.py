"""Filters every resource shares, and the filter backend every list uses."""

import re
from datetime import UTC

from django import forms
from django_filters import (
    BooleanFilter,
    CharFilter,
    FilterSet,
    IsoDateTimeFilter,
    NumberFilter,
    UUIDFilter,
)
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import FilterSet as RestFilterSet
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError

# RFC 3339's date-time, what the OpenAPI `date-time` format means: seconds and an offset.
RFC_3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# The OpenAPI `uuid` format: hyphenated, without the braces or `urn:uuid:` Python takes.
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
BLANK = "Give a value, or leave the parameter out."
# What the values of a kind of filter must look like, beyond what its form field checks.
FILTER_FORMATS: list[tuple[type, re.Pattern, str]] = [
    (BooleanFilter, re.compile("true|false"), "Give true or false."),
    (UUIDFilter, UUID, "Give an id (a UUID)."),
]


class MomentField(IsoDateTimeField):
    """An RFC 3339 time (`2026-11-26T09:00:00Z`, with seconds and an offset), normalised
    to UTC.

    Python accepts UTC offsets up to ±24 hours, PostgreSQL only up to ±16, so an
    offset is resolved here; a moment beyond the calendar is a field error, not a 500.
    """

    def to_python(self, value):
        if value not in self.empty_values and not RFC_3339.fullmatch(str(value)):
            raise forms.ValidationError(
                "Give a time as 2026-11-26T09:00:00Z (seconds and an offset).", code="invalid"
            )
        moment = super().to_python(value if value in self.empty_values else str(value).upper())
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError as error:
            raise forms.ValidationError("That time is out of range.", code="invalid") from error


class MomentFilter(IsoDateTimeFilter):
    field_class = MomentField


class WholeNumberField(forms.IntegerField):
    """A whole number as the schema's `integer`: digits only, not `1.5`, `5.0` or ` 5`."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]{1,9}", str(value)):
            raise forms.ValidationError("Give a whole number.", code="invalid")
        return super().to_python(value)


class WholeNumberFilter(NumberFilter):
    field_class = WholeNumberField


def updated_since_filter() -> MomentFilter:
    """`updated_since`: what an integration syncs incrementally (pair it with
    `ordering=updated_at`)."""
    return MomentFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Only those changed at or after this time (RFC 3339).",
    )


def refuse_blank_parameters(query_params, names) -> None:
    """A 400 for each of `names` given with an empty value (`?role=`)."""
    errors = {name: [BLANK] for name in names if "" in query_params.getlist(name)}
    if errors:
        raise ValidationError(errors)


def addresses_no_filter(query_params, filterset_class) -> bool:
    """Whether a query string leaves every filter of `filterset_class` out, so that the
    filter set would filter nothing: no parameter starts with a filter's name (a range
    filter reads `<name>_min`, `<name>_after`…), none is required, and the class filters
    as django-filter does. Building the filter set and its form to find that out costs
    as much as a page's query (docs/performance.md)."""
    filters = filterset_class.base_filters
    plain = all(
        getattr(filterset_class, name) in (getattr(FilterSet, name), getattr(RestFilterSet, name))
        for name in ("__init__", "qs", "form", "is_valid", "errors", "filter_queryset")
    )
    return (
        plain
        and not any(filter_.extra.get("required") for filter_ in filters.values())
        and not any(parameter.startswith(tuple(filters)) for parameter in query_params)
    )


class FilterBackend(DjangoFilterBackend):
    """django-filter, without ignoring what it cannot use.

    django-filter reads an empty value (`?updated_since=`) as no filter at all, and
    a boolean it does not recognise (`?open=yes`) or an id of spaces likewise; it
    takes an id in braces. The schema declares all of them invalid, so they are a
    400 on the parameter here. Only free-text filters
    take an empty string, which the schema allows them. The schema declares the
    filters of lists only: finding one object (a read, a write, an action on it)
    filters its queryset too, and the query string is not read strictly there.
    A query string that names no filter skips the filter set (`addresses_no_filter`).
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        listing = request.method == "GET" and getattr(view, "action", None) != "retrieve"
        if listing:
            filters = filterset_class.base_filters
            refuse_blank_parameters(
                request.query_params,
                [name for name, filter_ in filters.items() if not isinstance(filter_, CharFilter)],
            )
            errors = {
                name: [message]
                for name, filter_ in filters.items()
                for filter_class, pattern, message in FILTER_FORMATS
                if isinstance(filter_, filter_class)
                and not all(map(pattern.fullmatch, request.query_params.getlist(name)))
            }
            if errors:
                raise ValidationError(errors)
        if addresses_no_filter(request.query_params, filterset_class):
            return queryset
        filterset = filterset_class(**self.get_filterset_kwargs(request, queryset, view))
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.qs
