"""The privacy pages: a candidate's exports and their download, a candidate's erasure,
and the retention policy in Settings."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path(
        "candidates/<uuid:public_id>/exports/",
        views.candidate_exports,
        name="candidate-exports",
    ),
    path(
        "candidate-exports/<uuid:public_id>/download/",
        views.candidate_export_download,
        name="candidate-export-download",
    ),
    path("candidates/<uuid:public_id>/erase/", views.candidate_erase, name="candidate-erase"),
    path("settings/retention/", views.retention_settings, name="retention"),
]
