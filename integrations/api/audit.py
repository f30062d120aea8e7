"""The security log for a SIEM to pull: `GET /api/v1/audit-events/`, read-only.

Only an API key with the `admin` scope, acting as an owner or admin, may read it:
browser sessions and keys without that scope get 403, as do other members' keys
(docs/api.md). Another organization's key reads its own log only (row-level
security and the tenant manager); the rows come from `accounts.selectors`.
"""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from accounts import selectors
from accounts.models import SecurityEvent, SecurityEventKind
from accounts.permissions import Action, can
from lib.api.filters import MomentFilter
from lib.api.permissions import IsOrganizationMember
from lib.api.views import RowsListModelMixin, TenantViewSetMixin


class AdminScopedKey(BasePermission):
    """An API key with the `admin` scope, acting as an owner or admin."""

    message = "The security log needs an API key with the admin scope, acting as an owner or admin."

    def has_permission(self, request, view) -> bool:
        api_key = request.auth
        return getattr(api_key, "is_admin_scoped", False) and can(
            request.membership, Action.MANAGE_ORGANIZATION
        )


class SecurityEventSerializer(serializers.ModelSerializer):
    """One entry of the organization's append-only, hash-chained security log."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = serializers.ChoiceField(choices=SecurityEventKind.choices, read_only=True)
    actor = serializers.CharField(
        source="actor_email",
        read_only=True,
        help_text="The email of the user who acted, as it was then; empty for the system "
        "or an anonymous caller.",
    )
    actor_api_key_prefix = serializers.CharField(
        read_only=True, help_text="The start of the API key the request used, if any."
    )
    target = serializers.CharField(read_only=True, help_text="What the event affected.")
    ip_address = serializers.CharField(
        read_only=True, help_text="The client's address; empty where there was no request."
    )
    user_agent = serializers.CharField(read_only=True)
    details = serializers.DictField(read_only=True, help_text="Details of the event, by kind.")
    sequence = serializers.IntegerField(
        read_only=True, help_text="Its position in the organization's log: 1, 2, 3… no gaps."
    )
    prev_hash = serializers.CharField(
        read_only=True, help_text="The hash of the entry before it (64 zeros for the first)."
    )
    hash = serializers.CharField(
        read_only=True,
        help_text="SHA-256 of this entry's canonical serialization, `prev_hash` included.",
    )

    class Meta:
        model = SecurityEvent
        fields = [
            "id",
            "sequence",
            "occurred_at",
            "kind",
            "actor",
            "actor_api_key_prefix",
            "target",
            "ip_address",
            "user_agent",
            "details",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


class SecurityEventFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SecurityEventKind.choices, help_text="One kind of event.")
    since = MomentFilter(
        field_name="occurred_at",
        lookup_expr="gte",
        help_text="Events at or after this time (RFC 3339).",
    )
    until = MomentFilter(
        field_name="occurred_at",
        lookup_expr="lt",
        help_text="Events before this time (RFC 3339).",
    )

    class Meta:
        model = SecurityEvent
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="List security events",
        description=(
            "The organization's security log, newest first (`ordering=occurred_at` for "
            "oldest first, to pull what is new since a time): sign-ins, members, "
            "invitations, API keys, webhooks. Needs a key with the admin scope acting as "
            "an owner or admin."
        ),
    ),
)
@extend_schema(tags=["audit-events"])
class SecurityEventViewSet(TenantViewSetMixin, RowsListModelMixin, viewsets.GenericViewSet):
    serializer_class = SecurityEventSerializer
    filterset_class = SecurityEventFilter
    permission_classes = [IsAuthenticated, IsOrganizationMember, AdminScopedKey]
    ordering = "-occurred_at"
    ordering_fields = ["occurred_at"]
    http_method_names = ["get", "head", "options"]

    def scoped_queryset(self, membership):
        return selectors.security_event_list()
