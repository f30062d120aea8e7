"""Input serializers that take the JSON types their schema declares, and only those.

DRF's fields coerce: a `CharField` takes `0` as `"0"`, an `IntegerField` takes
`"5"`, a `BooleanField` takes `"yes"` and `1`, a `ChoiceField` takes `1` for the
choice `"1"`. The OpenAPI schema declares a string, an integer, a boolean, so a
client that relies on the coercion breaks its contract without knowing it. Input
serializers inherit `InputSerializer` (or `InputModelSerializer`) and refuse a
value of another JSON type with a 400 on the field, before the fields convert
anything. Nested serializers and list items are checked too; `null` is left to the
field (`allow_null`).
"""

import re
from collections.abc import Mapping

from rest_framework import fields, relations, serializers

from lib.api.filters import RFC_3339, UUID, refuse_blank_parameters

# (field class, the JSON types it takes, how the message names them), first match wins.
JSON_TYPES: list[tuple[type, tuple[type, ...], str]] = [
    (fields.BooleanField, (bool,), "true or false"),
    (fields.IntegerField, (int, float), "a whole number"),
    (fields.FloatField, (int, float), "a number"),
    (fields.MultipleChoiceField, (list,), "a list"),
    (fields.ListField, (list,), "a list"),
    (serializers.ListSerializer, (list,), "a list"),
    (fields.DictField, (dict,), "an object"),
    (serializers.Serializer, (dict,), "an object"),
    (fields.JSONField, (object,), "any JSON value"),
    (fields.DecimalField, (str, int, float), "a number"),
    (fields.CharField, (str,), "a string"),
    (fields.UUIDField, (str,), "a string"),
    (fields.DateTimeField, (str,), "a string"),
    (fields.DateField, (str,), "a string"),
    (fields.TimeField, (str,), "a string"),
    (fields.DurationField, (str,), "a string"),
    (relations.RelatedField, (str,), "a string"),
]

# The string formats the schema declares (`date-time`, `date`, `uuid`), which DRF's
# fields read more loosely (a day for a time, a time without its offset, an id in
# braces).
BODY_FORMATS: list[tuple[type, re.Pattern, str]] = [
    (fields.DateTimeField, RFC_3339, "Give a time as 2026-11-26T09:00:00Z."),
    (fields.DateField, re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"), "Give a day as 2026-11-26."),
    (fields.UUIDField, UUID, "Give an id (a UUID)."),
]


def _json_type_error(field: fields.Field, value) -> str | dict | list | None:
    """Why `value` is not of the JSON type `field` takes, or None if it is."""
    if value is None:
        return None
    if isinstance(field, fields.ChoiceField) and not isinstance(field, fields.MultipleChoiceField):
        # The schema's enum holds the choices themselves: `1` is not the choice "1".
        if any(_kind(value) is _kind(choice) for choice in field.choices):
            return None  # of the choices' type: whether it is one, the field says
        return "Expected one of " + ", ".join(f"`{choice}`" for choice in field.choices) + "."
    for field_class, types, noun in JSON_TYPES:
        if not isinstance(field, field_class):
            continue
        if isinstance(value, bool) and bool not in types:
            return f"Expected {noun}, not true or false."
        if isinstance(value, float) and isinstance(field, fields.IntegerField):
            return None if value.is_integer() else f"Expected {noun}."
        if not isinstance(value, types):
            return f"Expected {noun}."
        for format_class, pattern, message in BODY_FORMATS:
            if isinstance(field, format_class) and not pattern.fullmatch(value):
                return message
        return _nested_error(field, value)
    return None


def _kind(value) -> type:
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return int if kind is float else kind
    return type(value)


def _nested_error(field: fields.Field, value) -> dict | list | None:
    if isinstance(field, serializers.Serializer):
        return json_type_errors(field.fields, value) or None
    child = getattr(field, "child", None)
    if child is None or isinstance(field, fields.MultipleChoiceField):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    errors = {key: error for key, item in items if (error := _json_type_error(child, item))}
    return errors or None


def json_type_errors(serializer_fields: Mapping, data) -> dict:
    """{field name: message} for each writable field of `data` with a value of a JSON
    type its field does not take."""
    if not isinstance(data, Mapping):
        return {}
    errors = {}
    for field in serializer_fields.values():
        if field.read_only or field.field_name not in data:
            continue
        error = _json_type_error(field, data[field.field_name])
        if error:
            errors[field.field_name] = error
    return errors


class StrictJsonTypes:
    """Refuses values of the wrong JSON type before the fields coerce them."""

    def to_internal_value(self, data):
        errors = json_type_errors(self.fields, data)
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class InputSerializer(StrictJsonTypes, serializers.Serializer):
    pass


class InputModelSerializer(StrictJsonTypes, serializers.ModelSerializer):
    pass


# What a query string's value must look like, by the type its field declares.
QUERY_FORMATS: list[tuple[type, re.Pattern, str]] = [
    (fields.BooleanField, re.compile("true|false"), "Give true or false."),
    (fields.IntegerField, re.compile("-?[0-9]{1,9}"), "Give a whole number."),
    (fields.DateTimeField, RFC_3339, "Give a time as 2026-11-26T09:00:00Z."),
    (fields.DateField, re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"), "Give a day as 2026-11-26."),
    (fields.UUIDField, UUID, "Give an id (a UUID)."),
]


class QuerySerializer(serializers.Serializer):
    """Query-string parameters, read as strictly as the schema declares them.

    DRF reads an empty value of an optional parameter as no value, and its fields
    take `5.0` or ` 5` for a whole number, `20261126` for a day and an id in
    braces; here those are a 400 on the parameter.
    """

    def to_internal_value(self, data):
        refuse_blank_parameters(data, self.fields)
        errors = {}
        for name, field in self.fields.items():
            for field_class, pattern, message in QUERY_FORMATS:
                if isinstance(field, field_class) and name in data:
                    if not all(pattern.fullmatch(value) for value in data.getlist(name)):
                        errors[name] = [message]
                    break
        if errors:
            raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
