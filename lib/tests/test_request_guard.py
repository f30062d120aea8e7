"""The request guard's rules, on requests built by hand: what it lets through and what
it refuses, at the edges of its limits."""

import json

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from lib.api.exceptions import problem_exception_handler
from lib.request_guard import JSON_MAX_DEPTH, RequestGuardMiddleware, request_refusal

factory = RequestFactory()
# Text PostgreSQL stores: any character but NUL and the surrogate halves.
storable = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"))
refused_character = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff"])


def _json(data, path="/api/v1/clients/"):
    return factory.post(path, json.dumps(data), content_type="application/json")


@given(storable, storable)
def test_storable_text_passes_everywhere(name, value):
    assert request_refusal(_json({name: [value, {"nested": value}]})) is None
    assert request_refusal(factory.post("/clients/new/", {"name": value})) is None
    assert request_refusal(factory.get("/candidates/", {"q": value})) is None


@given(storable, refused_character, storable)
def test_a_refused_character_anywhere_in_a_json_string_is_refused(before, character, after):
    text = before + character + after
    for data in ({"field": text}, {"list": [1, {"deep": text}]}, {text: "value"}):
        refusal = request_refusal(_json(data))
        assert refusal is not None
        assert (refusal.status, refusal.code) == (400, "invalid_characters")
        assert character not in refusal.detail


def test_the_refused_field_is_named_by_its_dotted_path():
    refusal = request_refusal(_json({"skills_summary": [{"evidence": "a\x00"}]}))
    assert refusal.where == "skills_summary.0.evidence"


@pytest.mark.parametrize(
    ("depth", "refused"), [(JSON_MAX_DEPTH, False), (JSON_MAX_DEPTH + 1, True)]
)
def test_json_may_nest_up_to_the_limit(depth, refused):
    body = "[" * depth + "]" * depth
    refusal = request_refusal(
        factory.post("/api/v1/clients/", body, content_type="application/json")
    )
    assert (refusal is not None) == refused
    if refused:
        assert (refusal.status, refusal.code) == (400, "too_deep")


def test_json_deeper_than_the_parser_can_go_is_refused_not_raised():
    body = '{"a":' * 100_000
    refusal = request_refusal(
        factory.put("/api/v1/roles/x/", body, content_type="application/json")
    )
    assert (refusal.status, refusal.code) == (400, "too_deep")


def test_a_body_may_be_as_large_as_the_limit_and_no_larger(settings):
    settings.REQUEST_BODY_MAX_BYTES = 100
    at_limit = factory.post(
        "/clients/new/", "a=" + "x" * 98, content_type="application/x-www-form-urlencoded"
    )
    assert request_refusal(at_limit) is None
    over = factory.post(
        "/clients/new/", "a=" + "x" * 99, content_type="application/x-www-form-urlencoded"
    )
    assert (request_refusal(over).status, request_refusal(over).code) == (413, "too_large")


def test_a_form_with_a_file_may_carry_the_file_besides(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    settings.UPLOAD_BODY_MAX_BYTES = 5000
    upload = factory.post("/candidates/new/", {"resume": _file("cv.pdf", 3000)})
    assert request_refusal(upload) is None
    too_large = factory.post("/candidates/new/", {"resume": _file("cv.pdf", 6000)})
    assert request_refusal(too_large).status == 413


def _file(name, size):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"x" * size, content_type="application/pdf")


def test_malformed_json_is_left_to_its_reader():
    """Not the guard's to judge: DRF's parser answers it with its own 400."""
    body = '{"name": "unterminated'
    assert (
        request_refusal(factory.post("/api/v1/clients/", body, content_type="application/json"))
        is None
    )


def test_too_many_query_parameters_are_refused(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    refusal = request_refusal(factory.get("/candidates/?" + "&".join(f"a{i}=1" for i in range(20))))
    assert (refusal.status, refusal.code) == (400, "unreadable_query")


def test_the_view_is_not_reached_when_the_guard_refuses():
    reached = []

    def view(request):
        reached.append(request)
        return HttpResponse("ok")

    guard = RequestGuardMiddleware(view)
    assert guard(factory.get("/candidates/", {"q": "a\x00"})).status_code == 400
    assert reached == []
    assert guard(factory.get("/candidates/", {"q": "Zoë"})).status_code == 200
    assert len(reached) == 1


def test_an_api_error_quoting_a_lone_surrogate_still_encodes():
    """A choice field's message quotes the value it refuses; should one ever carry half a
    surrogate pair past the guard, the problem document still encodes (a 400, not a 500)."""
    field = serializers.ChoiceField(choices=["hr", "hiring_manager"])
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation("\ud800")
    error = serializers.ValidationError({"kind": refused.value.detail})
    response = problem_exception_handler(error, {})
    body = JSONRenderer().render(response.data)
    problem = json.loads(body)
    assert problem["status"] == 400
    assert problem["errors"]["kind"] == ['"\\ud800" is not a valid choice.']
