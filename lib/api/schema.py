"""OpenAPI generation: every operation documents the problem responses it can return."""

from uuid import UUID

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from lib.api.exceptions import PROBLEM_CONTENT_TYPE, TITLES
from lib.tenancy import organization_context

# No organization has this id: what schema generation builds querysets for reads nothing.
NO_ORGANIZATION = UUID(int=0)


class TenantSchemaGenerator(SchemaGenerator):
    """Generation inspects views' querysets and filter sets, which the tenant manager
    refuses outside a tenant context; it runs in the context of no organization."""

    def get_schema(self, *args, **kwargs):
        with organization_context(NO_ORGANIZATION):
            return super().get_schema(*args, **kwargs)


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem: what went wrong, and for invalid input which fields."""

    type = serializers.CharField(help_text="Always `about:blank`; `code` names the problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="Stable machine-readable name, e.g. `invalid`, `not_found`, `throttled`."
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For `invalid`: messages by field name (`non_field_errors` for the whole).",
    )


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID, say). A retry with the same key and body within "
        "24 hours returns the first response instead of acting twice; the same key "
        "with a different body is refused with 422."
    ),
)


class ProblemAutoSchema(AutoSchema):
    def _problem_codes(self) -> list[str]:
        codes = ["400", "401", "403", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes.append("409")
        if self.method == "POST":
            codes.append("422")  # an Idempotency-Key reused with another request
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._problem_codes():
            if code not in responses:
                response = self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE]
                )
                response["description"] = TITLES[int(code)]
                if code == "400":
                    response["description"] += self._refusals()
                responses[code] = response
        return responses

    def _refusals(self) -> str:
        """The business rules an operation answers with 400, from its view's `refusals`:
        `{action: [rule, ...]}` (docs/api.md lists them too)."""
        rules = getattr(self.view, "refusals", {}).get(getattr(self.view, "action", None), [])
        if not rules:
            return ": a parameter or a field of the body is malformed."
        return (
            ": a parameter or a field of the body is malformed, or one of these rules "
            "refuses it (`errors` names the field):\n\n" + "\n".join(f"- {rule}" for rule in rules)
        )

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        return parameters


class WallClockTimeExtension(OpenApiSerializerFieldExtension):
    """Times of day in the API (business hours, check-in time) are wall-clock times in
    the client's or organization's timezone, written without an offset, while the
    OpenAPI `time` format means RFC 3339's time with an offset."""

    target_class = "rest_framework.fields.TimeField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$",
            "example": "09:30:00",
        }
