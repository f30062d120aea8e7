"""Reads for the engagement record: what needs attention, timelines, responsiveness."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import client_scope
from engagements.models import Activity, ResponseClock

DUE_SOON_WINDOW = timedelta(hours=48)
ATTENTION_LIMIT = 50


def _scoped(queryset: QuerySet, membership: Membership) -> QuerySet:
    scope = client_scope(membership)
    return queryset if scope is None else queryset.filter(client_id=scope)


def attention_clocks(
    *, membership: Membership, limit: int = ATTENTION_LIMIT
) -> list[ResponseClock]:
    """Open clocks the member should look at: overdue first, then those due within 48 hours.

    One query: the partial index on open clocks by due time serves the range
    and the order, whatever the number of closed clocks.
    """
    horizon = timezone.now() + DUE_SOON_WINDOW
    return list(
        _scoped(
            ResponseClock.objects.filter(closed_at__isnull=True, due_at__lte=horizon), membership
        )
        .select_related("submission__candidate", "role", "client")
        .order_by("due_at")[:limit]
    )


def open_clocks_for_role(*, role) -> list[ResponseClock]:
    return list(
        ResponseClock.objects.filter(role=role, closed_at__isnull=True)
        .select_related("submission__candidate")
        .order_by("due_at")
    )


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


@dataclass(frozen=True)
class Responsiveness:
    answered: int
    answered_on_time: int
    open: int
    overdue: int

    @property
    def compliance_percent(self) -> int | None:
        """Share of answered clocks answered by their due time; None before any answer."""
        if not self.answered:
            return None
        return round(100 * self.answered_on_time / self.answered)


def responsiveness_by_client(*, client_ids: list[int]) -> dict[int, Responsiveness]:
    """Per client: how many client actions were answered, how many on time, how many wait."""
    now = timezone.now()
    rows = (
        ResponseClock.objects.filter(client_id__in=client_ids)
        .values("client_id")
        .annotate(
            answered=Count("id", filter=Q(closed_at__isnull=False)),
            answered_on_time=Count(
                "id", filter=Q(closed_at__isnull=False, closed_at__lte=F("due_at"))
            ),
            open=Count("id", filter=Q(closed_at__isnull=True)),
            overdue=Count("id", filter=Q(closed_at__isnull=True, due_at__lte=now)),
        )
    )
    found = {row.pop("client_id"): Responsiveness(**row) for row in rows}
    return {client_id: found.get(client_id, Responsiveness(0, 0, 0, 0)) for client_id in client_ids}
