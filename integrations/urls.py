"""The integrations pages.

They keep the URL names they had before this app existed, so links and templates
did not change: config/urls.py mounts the API key pages in the `accounts` namespace
and the webhook pages in the `engagements` one.
"""

from django.urls import path

from integrations import views

api_key_urlpatterns = [
    path("settings/api-keys/", views.api_keys, name="api-keys"),
    path("settings/api-keys/<uuid:public_id>/revoke/", views.api_key_revoke, name="api-key-revoke"),
]

webhook_urlpatterns = [
    path("settings/webhooks/", views.webhook_list, name="webhooks"),
    path(
        "settings/webhooks/<uuid:public_id>/",
        views.webhook_detail,
        name="webhook-detail",
    ),
    path(
        "settings/webhooks/<uuid:public_id>/rotate-secret/",
        views.webhook_rotate_secret,
        name="webhook-rotate-secret",
    ),
    path(
        "settings/webhooks/<uuid:public_id>/delete/",
        views.webhook_delete,
        name="webhook-delete",
    ),
    path(
        "settings/webhooks/deliveries/<uuid:public_id>/",
        views.webhook_delivery_detail,
        name="webhook-delivery",
    ),
    path(
        "settings/webhooks/deliveries/<uuid:public_id>/replay/",
        views.webhook_delivery_replay,
        name="webhook-delivery-replay",
    ),
]
