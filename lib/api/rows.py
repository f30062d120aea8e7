"""A page of objects made into JSON rows at the cost of the conversions, not of DRF's loop.

DRF's `Serializer.to_representation` looks every field up again for every row:
the source path walked with `isinstance(Mapping)` and callable checks, then the
field's conversion, a `DateTimeField` reading the active time zone from a
context-local for every value. For a page of 50 rows of 20 fields that work
cost several times the page's own query (docs/performance.md). `rows_representation`
plans each field once per page (how to read it off a row, how to convert it)
and applies the plan to every row; a nested serializer's objects are rows of its
own plan. The output is DRF's, value for value: a field whose class or serializer
changes DRF's behaviour (a custom `to_representation`, a related field, a non-ISO
format) is read and converted by DRF itself, exactly as its serializer would.

Building a `ModelSerializer`'s fields (every model field mapped to a DRF field, the
declared ones deep-copied) is itself a fixed cost of every request, as large as
encoding a page of rows. The fields are built once per serializer class instead
(`_class_steps`); a request binds only what depends on it: the methods of method
fields, and a fresh copy of each field whose conversion may read the request's
context (a nested serializer, a field class of the project's own).
"""

import copy
import functools
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import ISO_8601, api_settings

Row = Any
Converter = Callable[[Any], Any]

_MISSING = object()


# DRF's field classes whose reading and conversion never look at the serializer's
# context (the request): one instance serves every request. Exact classes only: a
# subclass may read the context, and is copied for each request.
CONTEXT_FREE_FIELDS = frozenset(
    {
        fields.BooleanField,
        fields.CharField,
        fields.ChoiceField,
        fields.DateField,
        fields.DateTimeField,
        fields.DecimalField,
        fields.DictField,
        fields.DurationField,
        fields.EmailField,
        fields.FloatField,
        fields.IntegerField,
        fields.JSONField,
        fields.ReadOnlyField,
        fields.SlugField,
        fields.TimeField,
        fields.URLField,
        fields.UUIDField,
        relations.PrimaryKeyRelatedField,
        relations.SlugRelatedField,
    }
)


def rows_representation(child: serializers.Serializer, rows: Iterable[Row]) -> list[dict]:
    """`rows` as `child` would represent each of them, planned once for all of them."""
    return _page_converter(child)(rows)


def _page_converter(child: serializers.Serializer) -> Callable[[Iterable[Row]], list[dict]]:
    """What makes rows into `child`'s representations, its plan made once: a nested
    serializer's converter serves every row of the page."""
    if type(child).to_representation is not serializers.Serializer.to_representation:
        return lambda rows: [child.to_representation(row) for row in rows]
    if _fields_are_the_classes(type(child)):
        plan = [_field_plan(_bound(step, child), child) for step in _class_steps(type(child))]
    else:
        plan = [_field_plan(field) for field in child._readable_fields]

    def represent(rows: Iterable[Row]) -> list[dict]:
        represented = []
        for row in rows:
            if isinstance(row, Mapping):  # DRF reads keys, not attributes: leave it to DRF
                represented.append(child.to_representation(row))
                continue
            item = {}
            for name, attribute, convert, field in plan:
                if attribute is None:  # converted from the whole row
                    value = convert(row)
                else:
                    value = _read(row, attribute, field)
                    if value is not None and value is not _MISSING:
                        value = convert(value)
                if value is not _MISSING:
                    item[name] = value
            represented.append(item)
        return represented

    return represent


class _Step(NamedTuple):
    """A readable field of a serializer class, built once, and whether a request may use
    that very instance (its conversion reads no context)."""

    name: str
    field: fields.Field
    shared: bool


def _fields_are_the_classes(serializer_class: type) -> bool:
    """Whether every instance of `serializer_class` has the same fields: DRF's own way of
    building them, not one that may look at the instance (its context, its arguments)."""
    return all(
        getattr(serializer_class, name) is getattr(serializers.ModelSerializer, name)
        or getattr(serializer_class, name) is getattr(serializers.Serializer, name)
        for name in ("get_fields", "fields", "_readable_fields", "__init__")
    )


@functools.cache
def _class_steps(serializer_class: type) -> tuple[_Step, ...]:
    """The readable fields of `serializer_class`, built by DRF once for the process."""
    return tuple(
        _Step(field.field_name, field, _shared(field))
        for field in serializer_class()._readable_fields
    )


def _shared(field: fields.Field) -> bool:
    if type(field) in CONTEXT_FREE_FIELDS:
        return True
    return type(field) is fields.ListField and _shared(field.child)


def _bound(step: _Step, child: serializers.Serializer) -> fields.Field:
    """The step's field for this request's serializer `child`: the class's own instance
    when it reads no context, else a copy bound to `child` as DRF binds its fields.
    A method field is shared: its plan calls the method of `child`."""
    if step.shared:
        return step.field
    if type(step.field) is fields.SerializerMethodField:
        return step.field
    field = copy.deepcopy(step.field)
    field.bind(step.name, child)
    return field


def _read(row: Row, attribute: str, field: fields.Field) -> Any:
    """The row's value for `field`, as `Field.get_attribute` finds it, or `_MISSING`
    when DRF would leave the field out."""
    try:
        value = getattr(row, attribute)
    except ObjectDoesNotExist:
        return None
    except AttributeError:
        try:
            return field.get_attribute(row)  # DRF's default, skip or explanatory error
        except SkipField:
            return _MISSING
    if callable(value):  # a method named as the source: DRF calls it
        return field.get_attribute(row)
    return value


def _field_plan(
    field: fields.Field, child: serializers.Serializer | None = None
) -> tuple[str, str | None, Converter, fields.Field]:
    """(output name, attribute to read, converter of its value, field), or with no
    attribute, a converter of the whole row: a method field's method (of `child`, the
    request's serializer, when given), or DRF's own reading and conversion of a field
    planned no faster."""
    if type(field) is fields.SerializerMethodField:
        return field.field_name, None, getattr(child or field.parent, field.method_name), field
    read_as_attribute = (
        len(field.source_attrs) == 1 and type(field).get_attribute is fields.Field.get_attribute
    )
    if not read_as_attribute:
        return field.field_name, None, _as_drf_does(field), field
    return field.field_name, field.source_attrs[0], _converter(field), field


def _as_drf_does(field: fields.Field) -> Converter:
    """DRF's own reading and conversion of `field` from a row (`_MISSING` when skipped)."""

    def convert(row: Row) -> Any:
        try:
            attribute = field.get_attribute(row)
        except SkipField:
            return _MISSING
        check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
        return None if check_for_none is None else field.to_representation(attribute)

    return convert


def _unchanged(field: fields.Field, base: type, *methods: str) -> bool:
    """Whether `field` is a `base` whose `methods` are DRF's own."""
    return isinstance(field, base) and all(
        getattr(type(field), method) is getattr(base, method) for method in methods
    )


def _converter(field: fields.Field) -> Converter:
    """The conversion DRF's `field.to_representation` makes of a value that is not None."""
    if _unchanged(field, fields.CharField, "to_representation"):
        return str
    if _unchanged(field, fields.UUIDField, "to_representation"):
        return str if field.uuid_format == "hex_verbose" else field.to_representation
    if _unchanged(field, fields.IntegerField, "to_representation"):
        return int
    if _unchanged(field, fields.BooleanField, "to_representation"):
        return lambda value: value if isinstance(value, bool) else field.to_representation(value)
    if type(field) is fields.ReadOnlyField:
        return lambda value: value
    if _unchanged(field, fields.DateTimeField, "to_representation", "enforce_timezone"):
        return _datetime_converter(field)
    if _unchanged(field, fields.DateField, "to_representation"):
        output_format = getattr(field, "format", api_settings.DATE_FORMAT)
        if output_format is not None and output_format.lower() == ISO_8601:
            return lambda value: (
                value.isoformat() if type(value) is date else field.to_representation(value)
            )
    if _unchanged(field, fields.ListField, "to_representation") and _unchanged(
        field.child, fields.CharField, "to_representation"
    ):
        return lambda values: [None if value is None else str(value) for value in values]
    return _nested_converter(field) or field.to_representation


def _nested_converter(field: fields.Field) -> Converter | None:
    """A nested serializer's conversion (one object, or a list or manager of them) as a
    page of its own rows, when the serializer converts as DRF's does."""
    if _unchanged(field, serializers.ListSerializer, "to_representation") and _unchanged(
        field.child, serializers.Serializer, "to_representation"
    ):
        represent = _page_converter(field.child)
        return lambda items: represent(items.all() if isinstance(items, BaseManager) else items)
    if _unchanged(field, serializers.Serializer, "to_representation"):
        represent = _page_converter(field)
        return lambda value: represent([value])[0]
    return None


def _datetime_converter(field: fields.DateTimeField) -> Converter:
    """ISO 8601 in the field's time zone (the active one, read once per page), with
    `Z` for UTC, as `DateTimeField.to_representation` writes it."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    if output_format is None or output_format.lower() != ISO_8601:
        return field.to_representation
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
    if zone is None:
        return field.to_representation

    def convert(value: Any) -> Any:
        if not value:
            return None
        if isinstance(value, str) or not timezone.is_aware(value):
            return field.to_representation(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return convert
