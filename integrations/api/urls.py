from rest_framework.routers import SimpleRouter

from integrations.api import audit, webhooks

router = SimpleRouter(use_regex_path=False)
router.register("audit-events", audit.SecurityEventViewSet, basename="audit-event")
router.register("webhook-endpoints", webhooks.WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", webhooks.WebhookDeliveryViewSet, basename="webhook-delivery")

urlpatterns = router.urls
