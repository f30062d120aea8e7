"""Input serializers take exactly the JSON types their schema declares."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

from lib.api.serializers import InputSerializer, json_type_errors

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)


class Evidence(serializers.Serializer):
    must_have = serializers.CharField()


class Shape(InputSerializer):
    name = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()
    ratio = serializers.FloatField()
    active = serializers.BooleanField()
    kind = serializers.ChoiceField(choices=[("a", "A"), ("b", "B")])
    days = serializers.ListField(child=serializers.IntegerField())
    evidence = Evidence(many=True)


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "integer" if float(value).is_integer() else "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


TAKES = {
    "name": {"string", "null"},
    "count": {"integer", "null"},
    "ratio": {"integer", "number", "null"},
    "active": {"boolean", "null"},
    "evidence": {"array", "null"},
    "days": {"array", "null"},
}


@given(field=st.sampled_from(sorted(TAKES)), value=JSON_SCALARS)
def test_a_value_of_another_json_type_is_refused_before_coercion(field, value):
    errors = json_type_errors(Shape().fields, {field: value})
    assert (field in errors) == (json_type(value) not in TAKES[field])


@given(value=JSON_VALUES)
def test_a_choice_is_of_the_choices_type_not_their_text(value):
    errors = json_type_errors(Shape().fields, {"kind": value})
    assert ("kind" in errors) == (value is not None and not isinstance(value, str))


@given(items=st.lists(JSON_SCALARS, max_size=4))
def test_list_items_and_nested_objects_are_checked_too(items):
    errors = json_type_errors(Shape().fields, {"days": items})
    wrong = {i for i, item in enumerate(items) if json_type(item) != "integer" and item is not None}
    assert set(errors.get("days", {})) == wrong
    nested = json_type_errors(Shape().fields, {"evidence": [{"must_have": 1}, {"must_have": "x"}]})
    assert nested == {"evidence": {0: {"must_have": "Expected a string."}}}


def test_the_serializer_answers_a_field_error_and_coerces_nothing():
    shape = Shape(data={"name": 0, "count": "5", "active": "yes", "kind": "a"}, partial=True)
    assert not shape.is_valid()
    assert set(shape.errors) == {"name", "count", "active"}
    good = Shape(data={"name": "0", "count": 5.0, "active": True, "kind": "a"}, partial=True)
    assert good.is_valid(), good.errors
    assert good.validated_data["count"] == 5


class Dated(InputSerializer):
    at = serializers.DateTimeField()
    day = serializers.DateField()
    ref = serializers.UUIDField()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", "2026-11-26"),
        ("at", "2026-11-26T09:00:00"),
        ("at", "2026-11-26T09:00Z"),
        ("day", "20261126"),
        ("ref", "{12345678-1234-1234-1234-123456789abc}"),
        ("ref", "urn:uuid:12345678-1234-1234-1234-123456789abc"),
    ],
)
def test_strings_in_another_format_than_the_declared_one_are_refused(field, value):
    assert field in json_type_errors(Dated().fields, {field: value})


def test_strings_in_the_declared_format_pass():
    good = {
        "at": "2026-11-26T09:00:00.5+01:00",
        "day": "2026-11-26",
        "ref": "12345678-1234-1234-1234-123456789ABC",
    }
    assert json_type_errors(Dated().fields, good) == {}
