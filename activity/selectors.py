"""Reads of the timeline."""

from django.db.models import QuerySet

from accounts.models import Membership
from accounts.permissions import client_scope
from activity.models import Activity
from lib.pagination import KeysetPage, keyset_page


def timeline(
    *, membership: Membership, submission=None, role=None, client=None, limit: int = 100
) -> list[Activity]:
    """The newest entries about one object; client users never see internal entries."""
    queryset = Activity.objects.select_related("actor__user")
    if submission is not None:
        queryset = queryset.filter(submission=submission)
    elif role is not None:
        queryset = queryset.filter(role=role)
    elif client is not None:
        queryset = queryset.filter(client=client)
    if client_scope(membership) is not None:
        queryset = queryset.filter(internal=False)
    return list(queryset.order_by("-created_at", "-id")[:limit])


TIMELINE_PER_PAGE = 20


def timeline_page(
    *,
    membership: Membership,
    submission=None,
    role=None,
    client=None,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """A page of the entries about one object, newest first (one query, on the index
    of the object's entries by time); client users never see internal entries."""
    queryset = Activity.objects.select_related("actor__user")
    if submission is not None:
        queryset = queryset.filter(submission=submission)
    elif role is not None:
        queryset = queryset.filter(role=role)
    elif client is not None:
        queryset = queryset.filter(client=client)
    if client_scope(membership) is not None:
        queryset = queryset.filter(internal=False)
    return keyset_page(
        queryset,
        ordering=("-created_at", "-id"),
        size=TIMELINE_PER_PAGE,
        after=after,
        before=before,
    )


def activity_list(*, membership: Membership) -> QuerySet[Activity]:
    """The activity log as the member may read it; unordered.

    A client user reads the shared entries about their client only: never
    recruiter-internal ones, nor entries about no client (a candidate's record
    before any submission), as on the pages' timelines.
    """
    queryset = Activity.objects.select_related(
        "actor__user", "client", "role", "candidate", "submission"
    )
    scope = client_scope(membership)
    return queryset if scope is None else queryset.filter(client_id=scope, internal=False)
