"""Using a nudge's one-click link: once, before it expires, by the member it was sent to."""

from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import Membership
from engagements.models import ActionLink
from lib.exceptions import ApplicationError


class ActionLinkUnavailable(ApplicationError):
    """The link was already used or has expired (the page answers 410 Gone)."""


class ActionLinkNotYours(ApplicationError):
    """The link belongs to someone else (the page answers 404: nothing is revealed)."""


def action_link_consume(*, link: ActionLink, membership: Membership) -> str:
    """Mark the link used by `membership` and return the path it opens.

    Runs in the link's organization context. The conditional update (`used_at IS
    NULL` and not expired) is the single-use guarantee: two clicks racing each
    other both read an unused link, but only one update matches a row.
    """
    if link.membership_id != membership.pk or link.organization_id != membership.organization_id:
        raise ActionLinkNotYours("This link was sent to someone else.")
    # The path was written by the service that sent the nudge; a relative path is
    # still checked so that the link can never become an open redirect.
    if not link.path.startswith("/") or not url_has_allowed_host_and_scheme(
        link.path, allowed_hosts=None
    ):
        raise ActionLinkNotYours("This link does not open a page of Rapport.")
    now = timezone.now()
    used = ActionLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now, updated_at=now
    )
    if used != 1:
        if link.expires_at <= now:
            raise ActionLinkUnavailable("This link has expired.")
        raise ActionLinkUnavailable("This link was already used.")
    return link.path
