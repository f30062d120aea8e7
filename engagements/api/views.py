from drf_spectacular.utils import extend_schema, extend_schema_view

from activity import selectors as activity_selectors
from engagements import selectors
from engagements.api.filters import ActivityFilter, ClockFilter, NudgeFilter
from engagements.api.serializers import ActivitySerializer, ClockSerializer, NudgeSerializer
from lib.api.views import TenantReadOnlyViewSet


@extend_schema_view(
    list=extend_schema(
        summary="List response clocks",
        description="What the client owes on each submission and by when; newest first.",
    ),
    retrieve=extend_schema(summary="Read one response clock"),
)
@extend_schema(tags=["clocks"])
class ClockViewSet(TenantReadOnlyViewSet):
    serializer_class = ClockSerializer
    filterset_class = ClockFilter
    ordering_fields = ["created_at", "updated_at", "opened_at", "due_at"]

    def scoped_queryset(self, membership):
        return selectors.clock_list(membership=membership)


@extend_schema_view(
    list=extend_schema(
        summary="List nudges",
        description="Each level of the escalation ladder sent for a clock; newest first.",
    ),
    retrieve=extend_schema(summary="Read one nudge"),
)
@extend_schema(tags=["nudges"])
class NudgeViewSet(TenantReadOnlyViewSet):
    serializer_class = NudgeSerializer
    filterset_class = NudgeFilter
    ordering_fields = ["created_at", "updated_at"]

    def scoped_queryset(self, membership):
        return selectors.nudge_list(membership=membership)


@extend_schema_view(
    list=extend_schema(
        summary="List activities",
        description=(
            "The activity log, newest first: filter by object, verb and time. Client users "
            "see their client's shared entries, never recruiter-internal ones."
        ),
    ),
    retrieve=extend_schema(summary="Read one activity"),
)
@extend_schema(tags=["activities"])
class ActivityViewSet(TenantReadOnlyViewSet):
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["created_at"]

    def scoped_queryset(self, membership):
        return activity_selectors.activity_list(membership=membership)
