from functools import cache

from django.http import HttpRequest

from engagements.selectors import unread_notification_count


def notifications(request: HttpRequest) -> dict:
    """The header's unread notifications count, for members only, computed lazily.

    A callable: the query runs only when a template renders the count (base.html
    does, once per page, inside the tenant context the middleware holds open),
    and `cache` keeps a second use on the same page from querying again.
    """
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"unread_notification_count": 0}
    return {
        "unread_notification_count": cache(
            lambda: unread_notification_count(membership=membership)
        ),
    }
