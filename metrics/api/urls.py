"""The metrics routes: each one answer of figures (action `read`), not a list of
objects, so the schema describes an object rather than an array."""

from django.urls import path

from metrics.api import views

READ = {"get": "read"}

urlpatterns = [
    path("metrics/summary/", views.SummaryViewSet.as_view(READ), name="metrics-summary"),
    path("metrics/clients/", views.ClientScorecardViewSet.as_view(READ), name="metrics-clients"),
    path("metrics/contacts/", views.ContactScorecardViewSet.as_view(READ), name="metrics-contacts"),
    path("metrics/roles/", views.RoleMetricsViewSet.as_view(READ), name="metrics-roles"),
    path("metrics/trends/", views.TrendsViewSet.as_view(READ), name="metrics-trends"),
    path(
        "metrics/cost-of-delay/",
        views.CostOfDelayViewSet.as_view(READ),
        name="metrics-cost-of-delay",
    ),
]
