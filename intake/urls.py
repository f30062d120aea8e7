from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("roles/<uuid:public_id>/intake/", views.intake_meeting_create, name="intake-create"),
    path("roles/<uuid:public_id>/agreement/", views.agreement_detail, name="agreement-detail"),
    path(
        "roles/<uuid:public_id>/agreement/changes/",
        views.agreement_diff,
        name="agreement-diff",
    ),
    path(
        "roles/<uuid:public_id>/agreement/revise/",
        views.agreement_revise,
        name="agreement-revise",
    ),
    path(
        "agreements/<uuid:public_id>/acknowledge/",
        views.agreement_acknowledge,
        name="agreement-acknowledge",
    ),
    path(
        "agreements/<uuid:public_id>/comment/",
        views.agreement_comment,
        name="agreement-comment",
    ),
]
