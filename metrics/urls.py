from django.urls import path

from metrics import pages

app_name = "metrics"

urlpatterns = [
    path("dashboard/", pages.dashboard, name="dashboard"),
    path("dashboard/trends/", pages.trends, name="trends"),
    path("dashboard/clients/", pages.scorecards, name="scorecards"),
    path("dashboard/clients.csv", pages.scorecards_csv, name="scorecards-csv"),
    path("dashboard/clients/<uuid:public_id>/", pages.client_scorecard, name="client-scorecard"),
    path(
        "dashboard/clients/<uuid:public_id>/weekly-report/",
        pages.weekly_report_preview,
        name="weekly-report-preview",
    ),
    path("dashboard/roles/<uuid:public_id>/", pages.role_metrics, name="role-metrics"),
    path("dashboard/cost-of-delay/", pages.delays, name="delays"),
    path("dashboard/cost-of-delay.csv", pages.delays_csv, name="delays-csv"),
]
