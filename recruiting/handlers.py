"""What recruiting does when something happens in the accounts layer below it."""

from accounts.services import INVITATION_ACCEPTED
from lib.events import subscribe
from recruiting.models import Contact


@subscribe(INVITATION_ACCEPTED)
def link_contact_to_login(*, membership) -> None:
    """A hiring manager or HR contact who accepts their invitation is that contact from
    now on: nudges reach their login and its in-app notifications."""
    if membership.client_id is not None:
        Contact.objects.filter(
            client_id=membership.client_id, email__iexact=membership.user.email
        ).update(user=membership.user)
