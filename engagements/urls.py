from django.urls import path

from engagements import views, views_checkins, views_webhooks

app_name = "engagements"

urlpatterns = [
    path("act/<str:token>/", views.action_link, name="action-link"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("settings/nudges/", views.nudge_policy_settings, name="nudge-policy"),
    path("settings/webhooks/", views_webhooks.webhook_list, name="webhooks"),
    path(
        "settings/webhooks/<uuid:public_id>/",
        views_webhooks.webhook_detail,
        name="webhook-detail",
    ),
    path(
        "settings/webhooks/<uuid:public_id>/rotate-secret/",
        views_webhooks.webhook_rotate_secret,
        name="webhook-rotate-secret",
    ),
    path(
        "settings/webhooks/<uuid:public_id>/delete/",
        views_webhooks.webhook_delete,
        name="webhook-delete",
    ),
    path(
        "settings/webhooks/deliveries/<uuid:public_id>/",
        views_webhooks.webhook_delivery_detail,
        name="webhook-delivery",
    ),
    path(
        "settings/webhooks/deliveries/<uuid:public_id>/replay/",
        views_webhooks.webhook_delivery_replay,
        name="webhook-delivery-replay",
    ),
    path(
        "roles/<uuid:public_id>/check-ins/new/",
        views_checkins.checkin_create,
        name="checkin-create",
    ),
]
