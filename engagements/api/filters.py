from django.utils import timezone
from django_filters import rest_framework as filters

from activity.models import Activity
from engagements.models import ClockKind, Nudge, NudgeStatus, OwedBy, ResponseClock
from lib.api.filters import MomentFilter, WholeNumberFilter, updated_since_filter

# Filters are declared rather than generated from Meta.fields: generating them queries
# the model's manager when the module is imported, outside any tenant context.


class ClockFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ClockKind.choices)
    owed_by = filters.ChoiceFilter(choices=OwedBy.choices)
    open = filters.BooleanFilter(
        field_name="closed_at", lookup_expr="isnull", help_text="Open (true) or closed (false)."
    )
    overdue = filters.BooleanFilter(
        method="filter_overdue",
        help_text="Open and past their due time (true), or not (false).",
    )
    submission = filters.UUIDFilter(field_name="submission__public_id")
    role = filters.UUIDFilter(field_name="role__public_id")
    client = filters.UUIDFilter(field_name="client__public_id")
    updated_since = updated_since_filter()

    class Meta:
        model = ResponseClock
        fields = []

    def filter_overdue(self, queryset, name, value):
        overdue = {"closed_at__isnull": True, "due_at__lte": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class NudgeFilter(filters.FilterSet):
    clock = filters.UUIDFilter(field_name="clock__public_id", help_text="A clock's id.")
    status = filters.ChoiceFilter(choices=NudgeStatus.choices)
    level = WholeNumberFilter(help_text="A level of the nudge ladder (1 is the first).")
    updated_since = updated_since_filter()

    class Meta:
        model = Nudge
        fields = []


class VerbsFilter(filters.BaseInFilter, filters.CharFilter):
    pass


class ActivityFilter(filters.FilterSet):
    client = filters.UUIDFilter(field_name="client__public_id", help_text="A client's id.")
    role = filters.UUIDFilter(field_name="role__public_id", help_text="A role's id.")
    candidate = filters.UUIDFilter(field_name="candidate__public_id", help_text="A candidate's id.")
    submission = filters.UUIDFilter(
        field_name="submission__public_id", help_text="A submission's id."
    )
    verb = VerbsFilter(
        field_name="verb",
        help_text="A verb, or several separated by commas: `review.completed,nudge.sent`.",
    )
    since = MomentFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="Entries created at or after this time (ISO 8601).",
    )
    until = MomentFilter(
        field_name="created_at",
        lookup_expr="lt",
        help_text="Entries created before this time (ISO 8601).",
    )
    updated_since = updated_since_filter()

    class Meta:
        model = Activity
        fields = []
