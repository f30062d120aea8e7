"""Webhook endpoints and their delivery log, for owners and admins.

An endpoint receives the events it subscribed to, signed per Standard Webhooks
with a secret that the create and rotate-secret responses show once. Every
other member (and their keys) gets 403; another organization's endpoints and
deliveries are 404. Writes go through `integrations.services.webhooks`, reads
through `integrations.selectors`, as on the settings pages.
"""

import json

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.permissions import Action, can
from activity.events import WEBHOOK_EVENT_TYPES
from integrations import selectors, services
from integrations.models import (
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
)
from lib.api.filters import updated_since_filter
from lib.api.serializers import InputSerializer
from lib.api.views import RowsListModelMixin, TenantViewSetMixin

EVENT_TYPE_CHOICES = sorted(WEBHOOK_EVENT_TYPES.items())


class MayManageWebhooks(BasePermission):
    """Webhooks are organization settings: owners and admins only (the permission matrix,
    docs/design.md#23-permission-matrix)."""

    message = "Only owners and admins can manage webhooks."

    def has_permission(self, request, view) -> bool:
        return can(request.membership, Action.MANAGE_ORGANIZATION)


# --- Serializers ------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.ModelSerializer):
    """A URL that receives the organization's events, signed per Standard Webhooks."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), read_only=True
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "event_types",
            "enabled",
            "disabled_reason",
            "failing_since",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "disabled_reason": {"help_text": "Why Rapport disabled it, if it did."},
            "failing_since": {
                "help_text": "The first failed attempt since the last success; an endpoint "
                "failing for 5 days is disabled."
            },
        }


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    """The endpoint with its signing secret: in this response only, never again."""

    secret = serializers.CharField(
        read_only=True,
        help_text="`whsec_` + base64 key for verifying signatures. Shown once: store it now.",
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointInput(InputSerializer):
    # The URL's rules (http or https, public addresses only) are the service's.
    url = serializers.CharField(
        max_length=2000, help_text="http or https; it must resolve to public addresses."
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EVENT_TYPE_CHOICES), allow_empty=False
    )
    enabled = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Enabling a disabled endpoint forgets its failures.",
    )


class WebhookAttemptSerializer(serializers.ModelSerializer):
    started_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = WebhookAttempt
        fields = [
            "number",
            "manual",
            "started_at",
            "finished_at",
            "status_code",
            "succeeded",
            "duration_ms",
            "response_excerpt",
            "error",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "manual": {"help_text": "A replay asked for by an admin."},
            "status_code": {"help_text": "The receiver's HTTP status; none if it never answered."},
            "response_excerpt": {"help_text": "The first kilobyte of the receiver's answer."},
            "error": {"help_text": "Why the attempt failed, if it did."},
        }


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One event sent to one endpoint, with every attempt."""

    id = serializers.UUIDField(
        source="public_id",
        read_only=True,
        help_text="Also the `webhook-id` header of each of its requests.",
    )
    endpoint = serializers.UUIDField(source="endpoint.public_id", read_only=True)
    activity = serializers.UUIDField(source="activity.public_id", read_only=True)
    event_type = serializers.CharField(
        read_only=True, help_text="One of the event types an endpoint subscribes to."
    )
    payload = serializers.SerializerMethodField(help_text="The JSON body sent.")
    attempts = WebhookAttemptSerializer(many=True, read_only=True, source="attempts_in_order")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_type",
            "activity",
            "status",
            "attempt_count",
            "next_attempt_at",
            "last_status_code",
            "delivered_at",
            "payload",
            "attempts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "next_attempt_at": {"help_text": "While pending: when the next attempt is due."},
        }

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_payload(self, delivery: WebhookDelivery) -> dict:
        return json.loads(delivery.body)


class WebhookDeliveryFilter(django_filters.FilterSet):
    endpoint = django_filters.UUIDFilter(
        field_name="endpoint__public_id", label="Only those of this endpoint (its id)."
    )
    status = django_filters.ChoiceFilter(choices=WebhookDeliveryStatus.choices)
    event_type = django_filters.ChoiceFilter(choices=EVENT_TYPE_CHOICES)
    updated_since = updated_since_filter()

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event_type", "updated_since"]


# --- Views ----------------------------------------------------------------------------


class WebhookViewSet(
    TenantViewSetMixin, RowsListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, MayManageWebhooks]
    ordering_fields = ["created_at", "updated_at"]


# The business rules an endpoint's create and update answer with 400 (in the schema and
# docs/api.md).
ENDPOINT_RULES = (
    "`url` is not an http or https URL, is too long, or resolves to an address that is not public.",
    "`event_types` is empty or names an unknown event type.",
)


@extend_schema_view(
    list=extend_schema(summary="List webhook endpoints"),
    retrieve=extend_schema(summary="Get a webhook endpoint"),
    create=extend_schema(
        summary="Register a webhook endpoint",
        description="The response carries the signing secret, shown this once.",
        request=WebhookEndpointInput,
        responses={201: WebhookEndpointSecretSerializer},
    ),
    partial_update=extend_schema(
        summary="Change a webhook endpoint",
        request=WebhookEndpointInput(partial=True),
        responses=WebhookEndpointSerializer,
    ),
    destroy=extend_schema(summary="Remove a webhook endpoint and its delivery log"),
    rotate_secret=extend_schema(
        summary="Rotate an endpoint's signing secret",
        description=(
            "A new secret, shown this once. For 24 hours requests carry a signature with "
            "the old secret as well, so receivers can switch without rejecting any."
        ),
        request=None,
        responses=WebhookEndpointSecretSerializer,
    ),
    deliveries=extend_schema(
        summary="List an endpoint's deliveries",
        description="The endpoint's delivery log with every attempt; newest first.",
        responses=WebhookDeliverySerializer(many=True),
        filters=True,
    ),
)
@extend_schema(tags=["webhooks"])
class WebhookEndpointViewSet(WebhookViewSet):
    serializer_class = WebhookEndpointSerializer
    filterset_class = None  # the deliveries action sets its own
    filterset_fields = ["enabled"]
    refusals = {action: ENDPOINT_RULES for action in ("create", "partial_update")}

    def scoped_queryset(self, membership):
        return selectors.webhook_endpoint_list()

    def _input(self, *, partial: bool = False) -> dict:
        serializer = WebhookEndpointInput(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def create(self, request):
        endpoint, _secret = services.webhook_endpoint_create(
            actor=request.membership, **self._input()
        )
        return Response(
            WebhookEndpointSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, public_id):
        endpoint = services.webhook_endpoint_update(
            actor=request.membership, endpoint=self.get_object(), **self._input(partial=True)
        )
        return Response(self.get_serializer(endpoint).data)

    def destroy(self, request, public_id):
        services.webhook_endpoint_delete(actor=request.membership, endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, public_id):
        endpoint, _secret = services.webhook_endpoint_rotate_secret(
            actor=request.membership, endpoint=self.get_object()
        )
        return Response(WebhookEndpointSecretSerializer(endpoint).data)

    @action(
        detail=True,
        methods=["get"],
        serializer_class=WebhookDeliverySerializer,
        filterset_class=WebhookDeliveryFilter,
    )
    def deliveries(self, request, public_id):
        # Another organization's endpoint is not found: 404.
        endpoint = selectors.webhook_endpoint_get(public_id=public_id)
        queryset = self.filter_queryset(selectors.webhook_delivery_list(endpoint=endpoint))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.page_rows(page))


@extend_schema_view(
    list=extend_schema(
        summary="List webhook deliveries",
        description="Every endpoint's deliveries with their attempts; newest first.",
    ),
    retrieve=extend_schema(summary="Get a webhook delivery"),
    replay=extend_schema(
        summary="Send a delivery again",
        description=(
            "Queues one more attempt now, with the same `webhook-id` (receivers that "
            "already processed it can ignore it). A delivery still being retried has its "
            "next attempt brought forward."
        ),
        request=None,
        responses={202: WebhookDeliverySerializer},
    ),
)
@extend_schema(tags=["webhooks"])
class WebhookDeliveryViewSet(WebhookViewSet):
    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilter

    def scoped_queryset(self, membership):
        return selectors.webhook_delivery_list()

    @action(detail=True, methods=["post"])
    def replay(self, request, public_id):
        delivery = services.webhook_delivery_replay(
            actor=request.membership, delivery=self.get_object()
        )
        delivery = self.get_queryset().get(pk=delivery.pk)
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
