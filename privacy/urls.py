from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("candidates/<uuid:public_id>/erase/", views.candidate_erase, name="candidate-erase"),
    path("settings/retention/", views.retention_settings, name="retention"),
]
