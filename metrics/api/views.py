"""Read-only metrics endpoints (`/api/v1/metrics/…`): thin views over the selectors.

Each parses the window and filters (a 400 with field errors for bad input, and for a
client, role or contact the caller cannot see), calls one selector as the member the
request acts for, and returns its dataclasses as JSON. Client users (and their API
keys) get their own client's figures only: the selectors apply the member's scope.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response

from accounts.permissions import Action, require
from metrics import selectors
from metrics.api import serializers as s


class MetricsViewSet(viewsets.ViewSet):
    query_serializer = s.MetricsQuerySerializer

    def query(self) -> dict:
        """The validated query, with the window and filter resolved."""
        require(self.request.membership, Action.VIEW_METRICS)
        query = self.query_serializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = dict(query.validated_data)
        if "from" in query.fields or "to" in query.fields:
            data["window"] = selectors.metrics_window(start=data.get("from"), end=data.get("to"))
        data["filters"] = selectors.metrics_filter(
            membership=self.request.membership,
            client=data.get("client"),
            role=data.get("role"),
            contact=data.get("contact"),
        )
        return data


@extend_schema(tags=["metrics"])
class SummaryViewSet(MetricsViewSet):
    @extend_schema(
        summary="Headline metrics of a window",
        description="Every figure of docs/metrics.md for the window, and for the window of "
        "the same length before it, for comparison.",
        parameters=[s.MetricsQuerySerializer],
        responses=s.SummarySerializer,
    )
    def read(self, request):
        query = self.query()
        summary = selectors.metrics_summary(
            membership=request.membership, window=query["window"], filters=query["filters"]
        )
        return Response(s.SummarySerializer(summary).data)


def _paged(view: MetricsViewSet, selector, page_serializer, **extra) -> Response:
    """A paged selector's answer: the validated window, filters and page, `extra`
    arguments, and the page serialized with its window."""
    query = view.query()
    page = selector(
        membership=view.request.membership,
        window=query["window"],
        filters=query["filters"],
        page=query["page"],
        page_size=query["page_size"],
        **{name: value(query) for name, value in extra.items()},
    )
    body = {
        "window": query["window"],
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "results": page.items,
    }
    return Response(page_serializer(body).data)


def _descending(query) -> bool:
    """The client scorecards' order: as asked, or the worst clients first."""
    order = query.get("order") or selectors.scorecard_worst_first(query["sort"])
    return order == "desc"


@extend_schema(tags=["metrics"])
class ClientScorecardViewSet(MetricsViewSet):
    query_serializer = s.ClientScorecardQuerySerializer

    @extend_schema(
        summary="Client scorecards",
        description="Both sides of each client's agreements: the client's responsiveness "
        "next to the agency's delivery. A page of clients, by name or by a figure.",
        parameters=[s.ClientScorecardQuerySerializer],
        responses=s.ClientScorecardPageSerializer,
    )
    def read(self, request):
        return _paged(
            self,
            selectors.metrics_client_scorecards,
            s.ClientScorecardPageSerializer,
            sort=lambda query: query["sort"],
            descending=_descending,
        )


@extend_schema(tags=["metrics"])
class ContactScorecardViewSet(MetricsViewSet):
    query_serializer = s.PagedQuerySerializer

    @extend_schema(
        summary="Contact scorecards",
        description="Each hiring manager's and HR contact's responsiveness. A page of "
        "contacts by name.",
        parameters=[s.PagedQuerySerializer],
        responses=s.ContactScorecardPageSerializer,
    )
    def read(self, request):
        return _paged(self, selectors.metrics_contact_scorecards, s.ContactScorecardPageSerializer)


@extend_schema(tags=["metrics"])
class RoleMetricsViewSet(MetricsViewSet):
    query_serializer = s.PagedQuerySerializer

    @extend_schema(
        summary="Role metrics",
        description="Each role's funnel, time in stage, delivery against target, time to "
        "hire and response times. A page of roles, newest first.",
        parameters=[s.PagedQuerySerializer],
        responses=s.RoleMetricsPageSerializer,
    )
    def read(self, request):
        return _paged(self, selectors.metrics_roles, s.RoleMetricsPageSerializer)


@extend_schema(tags=["metrics"])
class TrendsViewSet(MetricsViewSet):
    query_serializer = s.TrendsQuerySerializer

    @extend_schema(
        summary="Weekly trends",
        description="Every figure week by week (Monday to Sunday, UTC): the last 52 weeks, "
        "this one included.",
        parameters=[s.TrendsQuerySerializer],
        responses=s.TrendsSerializer,
    )
    def read(self, request):
        query = self.query()
        trends = selectors.metrics_trends(membership=request.membership, filters=query["filters"])
        return Response(s.TrendsSerializer(trends).data)


@extend_schema(tags=["metrics"])
class CostOfDelayViewSet(MetricsViewSet):
    query_serializer = s.CostOfDelayQuerySerializer

    @extend_schema(
        summary="Cost of delay",
        description="Submissions lost or withdrawn while a client answer on them was "
        "overdue, or within 7 days of a late one: how many, their share of all losses, and "
        "the list, most recent first (follow `next_cursor`).",
        parameters=[s.CostOfDelayQuerySerializer],
        responses=s.CostOfDelayListSerializer,
    )
    def read(self, request):
        query = self.query()
        losses = selectors.metrics_cost_of_delay(
            membership=request.membership,
            window=query["window"],
            filters=query["filters"],
            cursor=query.get("cursor"),
            page_size=query["page_size"],
        )
        return Response(s.CostOfDelayListSerializer(losses).data)
