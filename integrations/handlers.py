"""What integrations do when something happens lower down: every event goes out to the
webhook endpoints subscribed to it.

The handler runs in the recording transaction, so the deliveries (the outbox) exist
exactly when the event does; they are enqueued after it commits.
"""

from activity.events import subscribe
from activity.models import Activity
from integrations.services.webhooks import webhook_deliveries_create


@subscribe()
def queue_webhooks(activity: Activity) -> None:
    """Every event goes to the webhook endpoints subscribed to its type."""
    webhook_deliveries_create(activity=activity)
