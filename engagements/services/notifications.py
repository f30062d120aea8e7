"""In-app notifications: a member marks theirs read."""

from django.utils import timezone

from accounts.models import Membership
from engagements.models import Notification


class NotificationNotFound(Exception):
    """No notification of this member has that id (the page answers 404)."""


def notification_mark_read(*, membership: Membership, notification_id: int) -> Notification:
    """Mark one of the member's notifications read and return it.

    Only the member's own rows match, so another member's id (or another
    organization's, which the tenant manager never sees) raises
    NotificationNotFound exactly like an unknown one. Reading it again keeps the
    first reading time.
    """
    notification = Notification.objects.filter(membership=membership, pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound(notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notifications_mark_all_read(*, membership: Membership) -> int:
    """Mark every unread notification of the member read; returns how many there were."""
    now = timezone.now()
    return Notification.objects.filter(membership=membership, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )
