"""Reads for the engagement record: what needs attention, timelines, responsiveness."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, hash_token
from accounts.permissions import client_scope
from engagements.models import (
    ActionLink,
    ClockKind,
    ClockOutcome,
    Notification,
    Nudge,
    NudgePolicy,
    ResponseClock,
)
from lib.pagination import CappedCount, KeysetPage, capped_count, keyset_page
from recruiting.models import (
    OPEN_STAGES,
    Client,
    CultureStatus,
    ReviewDecision,
    SkillsReview,
    Stage,
    Submission,
)

ACTION_TOKEN_SETTING = "rapport.action_token_hash"  # noqa: S105 - a setting name
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


ATTENTION_PER_PAGE = 20
# The home page says "99+ overdue" rather than count every overdue clock.
OVERDUE_COUNT_CAP = 99


def _attention(*, membership: Membership, owed_by: str | None) -> QuerySet[ResponseClock]:
    horizon = timezone.now() + DUE_SOON_WINDOW
    clocks = _scoped(
        ResponseClock.objects.filter(closed_at__isnull=True, due_at__lte=horizon), membership
    )
    return clocks if owed_by is None else clocks.filter(owed_by=owed_by)


def attention_page(
    *,
    membership: Membership,
    owed_by: str | None = None,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """A page of `attention_clocks` (only those `owed_by` one side, when given), soonest
    due first: one query on the partial index of open clocks by due time."""
    return keyset_page(
        _attention(membership=membership, owed_by=owed_by).select_related(
            "submission__candidate", "role", "client"
        ),
        ordering=("due_at", "id"),
        size=ATTENTION_PER_PAGE,
        after=after,
        before=before,
    )


def overdue_count(*, membership: Membership, owed_by: str | None = None) -> CappedCount:
    """How many of `attention_clocks` are overdue, up to `OVERDUE_COUNT_CAP` (one query,
    on the same index)."""
    overdue = _attention(membership=membership, owed_by=owed_by).filter(due_at__lte=timezone.now())
    return capped_count(overdue, cap=OVERDUE_COUNT_CAP)


ROLE_CLOCKS_PER_PAGE = 10


def open_clocks_for_role(
    *, role, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the role's open clocks, soonest due first (one query, on the index of
    a role's open clocks by due time)."""
    return keyset_page(
        ResponseClock.objects.filter(role=role, closed_at__isnull=True).select_related(
            "submission__candidate"
        ),
        ordering=("due_at", "id"),
        size=ROLE_CLOCKS_PER_PAGE,
        after=after,
        before=before,
    )


def clock_list(*, membership: Membership) -> QuerySet[ResponseClock]:
    """Every clock the member may see, open or closed, with what the API shows of its
    submission, candidate, role, client and closer; unordered.

    The related rows are prefetched for the page, not joined: PostgreSQL cannot see
    through the joined tables' row-level security conditions, so for a filter that
    matches thousands of clocks (`kind`, `owed_by`, `updated_since`) it joined every
    match before sorting and keeping a page (docs/performance.md)."""
    return _scoped(ResponseClock.objects.all(), membership).prefetch_related(
        "submission__candidate", "role", "client", "closed_by"
    )


def nudge_list(*, membership: Membership) -> QuerySet[Nudge]:
    """Every nudge the member may see (a client user: those about their client's clocks)."""
    queryset = Nudge.objects.select_related("clock__submission")
    scope = client_scope(membership)
    return queryset if scope is None else queryset.filter(clock__client_id=scope)


@dataclass(frozen=True)
class Responsiveness:
    answered: int
    answered_on_time: int
    open: int
    overdue: int

    @property
    def compliance_percent(self) -> int | None:
        """Share of the client's due actions met on time: answered on time, out of those
        answered plus those already overdue. None before anything was due."""
        measured = self.answered + self.overdue
        if not measured:
            return None
        return round(100 * self.answered_on_time / measured)


def responsiveness_by_client(*, client_ids: list[int]) -> dict[int, Responsiveness]:
    """Per client: how many client actions were answered, how many on time, how many wait.
    One query over the clients' clocks, read from the index of clocks by client alone
    (`clock_org_client_idx`): callers pass a page of clients, not all of them."""
    now = timezone.now()
    rows = (
        ResponseClock.objects.filter(client_id__in=client_ids)
        .values("client_id")
        .annotate(
            # Counting a column of the index (not the id), the index alone answers.
            answered=Count("client_id", filter=Q(outcome=ClockOutcome.ANSWERED)),
            answered_on_time=Count(
                "client_id", filter=Q(outcome=ClockOutcome.ANSWERED, closed_at__lte=F("due_at"))
            ),
            open=Count("client_id", filter=Q(closed_at__isnull=True)),
            overdue=Count("client_id", filter=Q(closed_at__isnull=True, due_at__lte=now)),
        )
    )
    found = {row.pop("client_id"): Responsiveness(**row) for row in rows}
    return {client_id: found.get(client_id, Responsiveness(0, 0, 0, 0)) for client_id in client_ids}


# --- Notifications, one-click links, nudge policies ---------------------------------

# The header shows "99+" beyond this: counting stops there, so the per-page
# query costs the same for a member with a thousand unread notifications.
UNREAD_COUNT_CAP = 100


def unread_notification_count(*, membership: Membership, cap: int = UNREAD_COUNT_CAP) -> int:
    """How many of the member's notifications are unread, up to `cap` (one query, served
    by the partial index on unread notifications)."""
    return Notification.objects.filter(membership=membership, read_at__isnull=True)[:cap].count()


NOTIFICATIONS_PER_PAGE = 30


def notification_page(
    *, membership: Membership, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the member's notifications, newest first, after or before a cursor
    (one query, on the index of a member's notifications by creation time). A page
    starts at a notification, not at a number: one arriving meanwhile does not push
    one already read onto the next page."""
    return keyset_page(
        Notification.objects.filter(membership=membership),
        ordering=("-created_at", "-id"),
        size=NOTIFICATIONS_PER_PAGE,
        after=after,
        before=before,
    )


def action_link_for_token(*, token: str) -> ActionLink | None:
    """The one-click link behind a token, whichever of the user's organizations is active.

    Row-level security lets a link through outside its organization's context only
    when its `token_hash` equals the transaction's `rapport.action_token_hash`
    setting (engagements/migrations/0005): knowing the secret token reveals that one
    link and nothing else. The plain base manager is used because the tenant
    manager would filter on the active organization, which may be another one.
    Only the link's own columns are read: its membership may be invisible here.
    """
    token_hash = hash_token(token)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [ACTION_TOKEN_SETTING, token_hash])
        return ActionLink._base_manager.filter(token_hash=token_hash).first()


def nudge_policies() -> tuple[NudgePolicy | None, list[NudgePolicy]]:
    """The organization's default policy (None until saved) and the client overrides,
    by client name."""
    default, overrides = None, []
    for policy in NudgePolicy.objects.select_related("client").order_by("client__name"):
        if policy.client_id is None:
            default = policy
        else:
            overrides.append(policy)
    return default, overrides


def nudge_policy_clients() -> list[Client]:
    """Every client of the organization, for the override picker (names only)."""
    return list(Client.objects.only("public_id", "name").order_by("name"))


# --- What the client owes: the hiring manager's and HR's queues ------------------


def open_clock(*, submission: Submission, kind: str) -> ResponseClock | None:
    return ResponseClock.objects.filter(
        submission=submission, kind=kind, closed_at__isnull=True
    ).first()


QUEUE_PER_PAGE = 20

# What a client owes in each queue: an open clock of the kind on a submission still
# waiting for it. A review clock closed by the hiring manager's question leaves the
# queue until the recruiter answers (`info_requested`).
QUEUE_SUBMISSIONS = {
    ClockKind.HM_REVIEW: Q(submission__stage=Stage.HM_REVIEW),
    ClockKind.HR_APPROVAL: Q(
        submission__culture_status=CultureStatus.PENDING, submission__stage__in=OPEN_STAGES
    ),
}


def _queue(*, membership: Membership, kind: str) -> QuerySet[ResponseClock]:
    return _scoped(
        ResponseClock.objects.filter(QUEUE_SUBMISSIONS[kind], kind=kind, closed_at__isnull=True),
        membership,
    )


def queue_page(
    *, membership: Membership, kind: str, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of what the member's client owes in a queue (`ClockKind.HM_REVIEW`: the
    hiring manager's skills reviews; `ClockKind.HR_APPROVAL`: HR's culture-fit
    approvals), most urgent first: the open clocks by due time, each with its
    submission, role, agreement, candidate and client. One query, on the index of a
    client's open clocks by kind and due time."""
    return keyset_page(
        _queue(membership=membership, kind=kind).select_related(
            "submission__role__agreement", "submission__candidate", "submission__client"
        ),
        ordering=("due_at", "id"),
        size=QUEUE_PER_PAGE,
        after=after,
        before=before,
    )


@dataclass(frozen=True)
class QueueCount:
    waiting: int
    overdue: int


def queue_count(*, membership: Membership, kind: str) -> QueueCount:
    """How many wait in the queue, and how many of them are overdue (one query)."""
    counts = _queue(membership=membership, kind=kind).aggregate(
        waiting=Count("pk"), overdue=Count("pk", filter=Q(due_at__lte=timezone.now()))
    )
    return QueueCount(**counts)


def queue_arrivals(*, membership: Membership, kind: str, since: datetime) -> int:
    """How many joined the queue after `since`: their clock opened since (again, when
    the recruiter answered a question or revised the notes). One query."""
    return _queue(membership=membership, kind=kind).filter(opened_at__gt=since).count()


ANSWERS_PER_PAGE = 10


def info_requested(
    *, membership: Membership, after: str | None = None, before: str | None = None
) -> KeysetPage:
    """A page of the submissions in review whose hiring manager asked for more
    information, longest waiting first: the recruiter owes the answer (the review
    clock restarts when it comes).

    One query, led by the questions asked (the partial index of "need info"
    reviews), not by every submission in review: in review, only a question closes
    the review clock without moving the submission on.
    """
    asked = SkillsReview.objects.filter(decision=ReviewDecision.NEED_INFO).values("submission_id")
    awaiting_review = Exists(
        ResponseClock.objects.filter(
            submission=OuterRef("pk"), kind=ClockKind.HM_REVIEW, closed_at__isnull=True
        )
    )
    return keyset_page(
        _scoped(
            Submission.objects.filter(~awaiting_review, pk__in=asked, stage=Stage.HM_REVIEW),
            membership,
        ).select_related("role", "candidate"),
        ordering=("updated_at", "id"),
        size=ANSWERS_PER_PAGE,
        after=after,
        before=before,
    )
