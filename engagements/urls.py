from django.urls import path

from engagements import views, views_checkins

app_name = "engagements"

urlpatterns = [
    path("act/<str:token>/", views.action_link, name="action-link"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("settings/nudges/", views.nudge_policy_settings, name="nudge-policy"),
    path(
        "roles/<uuid:public_id>/check-ins/new/",
        views_checkins.checkin_create,
        name="checkin-create",
    ),
]
