"""The metrics API's input (the window and filters) and output (the selectors'
dataclasses, field for field, read by attribute)."""

from rest_framework import serializers

from lib.api.serializers import QuerySerializer
from metrics.selectors import MAX_PAGE_SIZE, MAX_WINDOW_DAYS, SCORECARD_SORTS


class MetricsQuerySerializer(QuerySerializer):
    """The window and the filters every metrics endpoint takes."""

    # `from` is a Python keyword: declared under another name, renamed in `fields`.
    from_ = serializers.DateField(
        required=False,
        help_text="First UTC day of the window (YYYY-MM-DD); by default 28 days before `to`.",
    )
    to = serializers.DateField(
        required=False,
        help_text="The UTC day after the window's last (YYYY-MM-DD); by default tomorrow. "
        f"A window is at most {MAX_WINDOW_DAYS} days.",
    )
    client = serializers.UUIDField(required=False, help_text="Only this client's figures.")
    role = serializers.UUIDField(required=False, help_text="Only this role's figures.")
    contact = serializers.UUIDField(
        required=False, help_text="Only this hiring manager's or HR contact's figures."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields


class PagedQuerySerializer(MetricsQuerySerializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=100_000, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=50
    )


class ClientScorecardQuerySerializer(PagedQuerySerializer):
    sort = serializers.ChoiceField(
        choices=list(SCORECARD_SORTS),
        required=False,
        default="client",
        help_text="The figure the clients are ordered by (`client`: by name). Clients "
        "without the figure come last either way.",
    )
    order = serializers.ChoiceField(
        choices=["asc", "desc"],
        required=False,
        help_text="Ascending or descending; by default worst first (by name: A to Z).",
    )


class TrendsQuerySerializer(QuerySerializer):
    client = serializers.UUIDField(required=False, help_text="Only this client's figures.")
    role = serializers.UUIDField(required=False, help_text="Only this role's figures.")
    contact = serializers.UUIDField(
        required=False, help_text="Only this hiring manager's or HR contact's figures."
    )


class CostOfDelayQuerySerializer(MetricsQuerySerializer):
    cursor = serializers.CharField(
        required=False, max_length=100, help_text="The `next_cursor` of the page before."
    )
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=50
    )


# --- Output ----------------------------------------------------------------------------


def pct(help_text: str = "") -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text or "Percent, one decimal.")


class WindowSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First UTC day.")
    end = serializers.DateField(help_text="The UTC day after the last.")


class DistributionSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median = serializers.FloatField(allow_null=True, help_text="From histograms: ±25 %.")
    p90 = serializers.FloatField(allow_null=True, help_text="From histograms: ±25 %.")
    mean = serializers.FloatField(allow_null=True, help_text="Exact.")
    unit = serializers.CharField(help_text="`business_hours`, `hours` or `days`.")


class SlaSerializer(serializers.Serializer):
    counted = serializers.IntegerField(
        help_text="Clocks due in the window that are closed or already past due."
    )
    on_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    missed = serializers.IntegerField(help_text="Cancelled (the candidate left) once overdue.")
    overdue_now = serializers.IntegerField()
    compliance_pct = pct("On time of counted, percent.")
    median_lateness_business_hours = serializers.FloatField(allow_null=True)


class FeedbackSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    business_hours = DistributionSerializer()
    calendar_hours = DistributionSerializer()


class ResponsivenessSerializer(serializers.Serializer):
    score = serializers.IntegerField(allow_null=True, help_text="0 to 100; null with no clock.")
    counted = serializers.IntegerField()
    on_time = serializers.IntegerField()
    answered_late = serializers.IntegerField()
    missed = serializers.IntegerField()
    overdue_now = serializers.IntegerField()
    late_credit = serializers.FloatField(help_text="Credit of the late answers, in clocks.")
    no_credit_after_business_hours = serializers.IntegerField()


class DeliverySerializer(serializers.Serializer):
    delivered = serializers.IntegerField()
    target = serializers.FloatField()
    delivered_pct = pct()


class FunnelSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    interviewing = serializers.IntegerField()
    offer = serializers.IntegerField()
    hired = serializers.IntegerField()
    rejected = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    lost = serializers.IntegerField()
    interviewing_pct = pct("Of submitted.")
    offer_pct = pct("Of interviewing.")
    hired_pct = pct("Of offer.")
    overall_pct = pct("Hired of submitted.")


class CostOfDelaySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    losses = serializers.IntegerField(help_text="Submissions lost or withdrawn in the window.")
    share_pct = pct()


class CheckInsSerializer(serializers.Serializer):
    held = serializers.IntegerField()
    expected = serializers.FloatField()
    on_cadence_pct = pct("Held of expected, at most 100.")


class TimeToSubmitSerializer(serializers.Serializer):
    roles = serializers.IntegerField()
    mean_days = serializers.FloatField(allow_null=True)


class StageTimeSerializer(serializers.Serializer):
    stage = serializers.CharField()
    moved_on = serializers.IntegerField()
    mean_hours = serializers.FloatField(allow_null=True)


class KpisSerializer(serializers.Serializer):
    sla = SlaSerializer()
    time_to_feedback = FeedbackSerializer()
    responsiveness = ResponsivenessSerializer()
    delivery = DeliverySerializer()
    funnel = FunnelSerializer()
    time_to_hire = DistributionSerializer()
    cost_of_delay = CostOfDelaySerializer()
    check_ins = CheckInsSerializer()
    time_to_submit = TimeToSubmitSerializer()
    time_in_stage = StageTimeSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    window = WindowSerializer()
    previous_window = WindowSerializer()
    current = KpisSerializer()
    previous = KpisSerializer()


class ClientSideSerializer(serializers.Serializer):
    sla = SlaSerializer()
    time_to_feedback = FeedbackSerializer()
    overdue_now = serializers.IntegerField()
    responsiveness = ResponsivenessSerializer()


class AgencySideSerializer(serializers.Serializer):
    delivery = DeliverySerializer()
    check_ins = CheckInsSerializer()
    time_to_submit = TimeToSubmitSerializer()


class ClientScorecardSerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    name = serializers.CharField()
    client_side = ClientSideSerializer()
    agency_side = AgencySideSerializer()


class ContactScorecardSerializer(serializers.Serializer):
    contact_id = serializers.UUIDField()
    name = serializers.CharField()
    kind = serializers.CharField()
    client_id = serializers.UUIDField()
    client_name = serializers.CharField()
    sla = SlaSerializer()
    time_to_feedback = FeedbackSerializer()
    responsiveness = ResponsivenessSerializer()
    cost_of_delay = serializers.IntegerField()


class RoleMetricsSerializer(serializers.Serializer):
    role_id = serializers.UUIDField()
    title = serializers.CharField()
    client_id = serializers.UUIDField()
    client_name = serializers.CharField()
    funnel = FunnelSerializer()
    time_in_stage = StageTimeSerializer(many=True)
    delivery = DeliverySerializer()
    time_to_hire = DistributionSerializer()
    sla = SlaSerializer()


def page_of(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "window": WindowSerializer(),
            "count": serializers.IntegerField(help_text="How many there are in all pages."),
            "page": serializers.IntegerField(),
            "page_size": serializers.IntegerField(),
            "results": item(many=True),
        },
    )


ClientScorecardPageSerializer = page_of(ClientScorecardSerializer, "ClientScorecardPage")
ContactScorecardPageSerializer = page_of(ContactScorecardSerializer, "ContactScorecardPage")
RoleMetricsPageSerializer = page_of(RoleMetricsSerializer, "RoleMetricsPage")


class TrendWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="The week's Monday (UTC).")
    kpis = KpisSerializer()


class TrendsSerializer(serializers.Serializer):
    weeks = TrendWeekSerializer(many=True)


class DelayLossSerializer(serializers.Serializer):
    submission_id = serializers.UUIDField()
    candidate = serializers.CharField()
    role_id = serializers.UUIDField()
    role = serializers.CharField()
    client_id = serializers.UUIDField()
    client = serializers.CharField()
    owed_by = serializers.CharField(help_text="`hiring_manager` or `hr`.")
    contact = serializers.CharField(allow_null=True, help_text="Who owed the late answer.")
    reason = serializers.CharField(help_text="`overdue` or `late_answer`.")
    stage = serializers.CharField(help_text="`lost` or `withdrawn`.")
    lost_at = serializers.DateTimeField()
    business_hours_late = serializers.FloatField()
    hours_late = serializers.FloatField()


class CostOfDelayListSerializer(serializers.Serializer):
    window = WindowSerializer()
    count = serializers.IntegerField()
    losses = serializers.IntegerField()
    share_pct = pct()
    results = DelayLossSerializer(many=True, source="items")
    next_cursor = serializers.CharField(allow_null=True)
