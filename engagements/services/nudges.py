"""Urgency nudges: when each level is due, claiming it exactly once, delivering it.

The database is the source of truth. A scan finds due (clock, level) pairs
through `rapport_due_nudges` (an index on open clocks' next nudge time), claims
each by inserting a `Nudge` under a unique constraint while holding the clock's
row, and enqueues delivery only after that commits. Delivery re-checks
everything under locks, sends each recipient's mail at most once and records it
right after; a sweeper re-enqueues claimed nudges whose delivery never ran
(broker down, worker killed). The claim, the hand-over after commit and the sweep
are the outbox's (lib/outbox.py); a recipient's copy is sent while its clock is
locked, so an answer and a nudge never cross. See docs/nudges.md.
"""

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from prometheus_client import Histogram

from accounts.models import Membership, MembershipRole
from activity.services import activity_record
from engagements.models import (
    ActionLink,
    ClockKind,
    Notification,
    Nudge,
    NudgeChannel,
    NudgeDelivery,
    NudgeRecipient,
    NudgeSkip,
    NudgeStatus,
    OwedBy,
    ResponseClock,
)
from engagements.services.schedule import nudge_step, policy_levels_by_client
from lib import outbox
from lib.mail import send_mail
from lib.tenancy import organization_context

# Clocks per scan round: claimed per organization, a few statements per batch.
SCAN_BATCH = 2000
# A claimed nudge not delivered after this long is handed to a worker again.
STALE_AFTER = timedelta(minutes=5)
ACTION_LINK_VALIDITY = timedelta(days=7)

# Claimed nudges: delivered one per task; the stale ones are those still pending and
# not enqueued for STALE_AFTER (the one cross-organization read of the sweep,
# engagements/migrations/0005).
NUDGES = outbox.Outbox(
    model=Nudge,
    task="engagements.tasks.deliver_nudge",
    stale_claims_sql="SELECT nudge_id, organization_id FROM rapport_stale_nudges(%s, %s)",
)


# --- Claim -------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    organization_id: str
    nudge_id: int
    clock_id: int
    level: int


def due_clock_ids(*, now: datetime, limit: int = SCAN_BATCH) -> list[tuple[int, str]]:
    """(clock id, organization id) of clocks with a nudge due, across organizations.

    The only cross-tenant read of the scan: a SECURITY DEFINER function that
    returns identifiers and nothing else (engagements/migrations/0005).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT clock_id, organization_id FROM rapport_due_nudges(%s, %s)", [now, limit]
        )
        return [(clock_id, str(organization_id)) for clock_id, organization_id in cursor.fetchall()]


def nudges_claim_batch(*, clock_ids: list[int], now: datetime) -> list[Claimed]:
    """Claim what is due of each clock among `clock_ids` (one organization's).

    Per clock, `nudge_step` decides: the highest level due is claimed and the lower
    levels due with it are recorded as skipped, passed over; outside the client's
    business hours nothing is claimed and the clock waits for the next window.

    One transaction for the batch: the clock rows are locked with SKIP LOCKED, so
    concurrent scanners pass over the clocks another one is claiming; the unique
    (clock, level) constraint is the backstop should two ever reach the insert
    (ON CONFLICT DO NOTHING: only the insert that happened is delivered). A
    handful of statements per batch, whatever its size. Deliveries are enqueued
    only after the transaction commits.
    """
    with transaction.atomic():
        clocks = list(
            ResponseClock.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("client")
            .filter(pk__in=clock_ids, closed_at__isnull=True, next_nudge_at__lte=now)
        )
        if not clocks:
            return []
        clients = {clock.client_id: clock.client for clock in clocks}
        ladders = policy_levels_by_client(client_ids=list(clients))
        # One calendar per client: building it validates the timezone, not free per clock.
        calendars = {client_id: client.calendar for client_id, client in clients.items()}
        claims: list[tuple[ResponseClock, dict]] = []
        passed_over: list[tuple[ResponseClock, dict]] = []
        for clock in clocks:
            step = nudge_step(
                clock=clock,
                levels=ladders[clock.client_id],
                calendar=calendars[clock.client_id],
                now=now,
            )
            if step.send is not None:
                claims.append((clock, step.send))
                passed_over += [(clock, level) for level in step.passed_over]
                clock.nudge_level = step.send["level"]
            clock.next_nudge_at = step.next_at
            clock.updated_at = now
        claimed = _insert_nudges(claims, passed_over)
        _advance_clocks(clocks, now=now)
        if claimed:
            organization_id = claimed[0].organization_id
            nudge_ids = [claim.nudge_id for claim in claimed]
            transaction.on_commit(
                lambda: nudges_enqueue(organization_id=organization_id, nudge_ids=nudge_ids)
            )
    return claimed


def _advance_clocks(clocks: list[ResponseClock], *, now: datetime) -> None:
    """Write every clock's new level and next nudge time in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE engagements_responseclock AS c "
            "SET nudge_level = v.level, next_nudge_at = v.next_at, updated_at = %s "
            "FROM unnest(%s::bigint[], %s::smallint[], %s::timestamptz[]) AS v(id, level, next_at) "
            "WHERE c.id = v.id",
            [
                now,
                [clock.pk for clock in clocks],
                [clock.nudge_level for clock in clocks],
                [clock.next_nudge_at for clock in clocks],
            ],
        )


def _insert_nudges(
    claims: list[tuple[ResponseClock, dict]], passed_over: list[tuple[ResponseClock, dict]]
) -> list[Claimed]:
    """Insert the claimed (clock, level) rows, and the levels passed over as skipped, in
    one statement; returns the claims actually inserted, the ones to deliver."""

    def row(clock: ResponseClock, level: dict, **status) -> dict:
        return {
            "organization_id": clock.organization_id,
            "clock_id": clock.pk,
            "level": level["level"],
            "recipients": level["recipients"],
            "channels": level["channels"],
            **status,
        }

    inserted = outbox.insert_claims(
        Nudge,
        [row(clock, level, status=NudgeStatus.PENDING) for clock, level in claims]
        + [
            row(clock, level, status=NudgeStatus.SKIPPED, skip_reason=NudgeSkip.PASSED_OVER)
            for clock, level in passed_over
        ],
        constraint="nudge_once_per_clock_level",
        returning=("id", "organization", "clock", "level", "status"),
    )
    return [
        Claimed(str(organization_id), nudge_id, clock_id, level)
        for nudge_id, organization_id, clock_id, level, status in inserted
        if status == NudgeStatus.PENDING
    ]


def nudge_claim(*, clock_id: int, now: datetime) -> Claimed | None:
    """Claim what is due of one clock (a batch of one)."""
    claimed = nudges_claim_batch(clock_ids=[clock_id], now=now)
    return claimed[0] if claimed else None


# /metrics (docs/operations.md): a scan that nears its 50 s budget falls behind.
SCAN_DURATION = Histogram(
    "rapport_nudge_scan_duration_seconds",
    "Time one nudge scan took to claim every due (clock, level).",
    buckets=(0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 50.0, 60.0),
)


@SCAN_DURATION.time()
def nudges_scan(*, now: datetime | None = None, time_budget: timedelta = timedelta(seconds=50)):
    """Claim every due (clock, level) pair, organization by organization.

    Loops "find a batch → claim each → repeat" until nothing is due or the time
    budget is spent, so a scan after an outage catches up: each clock gets the
    highest level due, once the client is at work (`nudge_step`).
    """
    started = timezone.now()
    claimed: list[Claimed] = []
    while timezone.now() - started < time_budget:
        moment = now or timezone.now()
        batch = due_clock_ids(now=moment)
        by_organization: dict[str, list[int]] = defaultdict(list)
        for clock_id, organization_id in batch:
            by_organization[organization_id].append(clock_id)
        progress = 0
        for organization_id, clock_ids in by_organization.items():
            with organization_context(organization_id):
                results = nudges_claim_batch(clock_ids=clock_ids, now=moment)
            claimed += results
            progress += len(results)
        if not batch or not progress:
            break
    return claimed


def nudge_enqueue(*, nudge_id: int, organization_id: str) -> None:
    nudges_enqueue(organization_id=organization_id, nudge_ids=[nudge_id])


def nudges_enqueue(*, organization_id: str, nudge_ids: list[int]) -> None:
    """Hand deliveries to the workers, then record them as enqueued.

    A broker failure is logged, not raised: what was not published stays
    pending with no `enqueued_at`, and the sweeper enqueues it again.
    """
    NUDGES.enqueue(organization_id=organization_id, ids=nudge_ids)


def nudges_requeue_stale(*, now: datetime | None = None) -> int:
    """Enqueue again every claimed nudge whose delivery has not happened in time."""
    now = now or timezone.now()
    return NUDGES.requeue_stale(now - STALE_AFTER, SCAN_BATCH)


# --- Deliver -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    membership: Membership | None


def _client_memberships(client_id: int, role: str) -> list[Membership]:
    return list(Membership.objects.filter(client_id=client_id, role=role).select_related("user"))


def nudge_recipients(*, nudge: Nudge) -> list[Recipient]:
    """Who receives this level, resolved from the role, its client and the memberships."""
    clock = nudge.clock
    role, client = clock.role, clock.client
    found: dict[str, Recipient] = {}

    def add_contact(contact) -> None:
        if contact is None or not contact.email:
            return
        member = None
        if contact.user_id:
            member = (
                Membership.objects.filter(user_id=contact.user_id).select_related("user").first()
            )
        found.setdefault(contact.email.lower(), Recipient(contact.email, contact.full_name, member))

    def add_member(member: Membership | None) -> None:
        if member is not None:
            email = member.user.email.lower()
            found.setdefault(email, Recipient(email, member.user.get_full_name(), member))

    party = {
        OwedBy.HIRING_MANAGER: (role.hiring_manager, MembershipRole.HIRING_MANAGER),
        OwedBy.HR: (role.hr_contact, MembershipRole.HR),
    }
    counterpart_of = {OwedBy.HIRING_MANAGER: OwedBy.HR, OwedBy.HR: OwedBy.HIRING_MANAGER}
    for kind in nudge.recipients:
        if kind in {NudgeRecipient.OWING_PARTY, NudgeRecipient.COUNTERPART}:
            owed = (
                clock.owed_by
                if kind == NudgeRecipient.OWING_PARTY
                else counterpart_of[clock.owed_by]
            )
            contact, membership_role = party[owed]
            if contact is not None:
                add_contact(contact)
            else:
                for member in _client_memberships(client.pk, membership_role):
                    add_member(member)
        elif kind == NudgeRecipient.RECRUITER:
            add_member(role.owner)
        elif kind == NudgeRecipient.RELATIONSHIP_OWNER:
            add_member(client.owner)
        elif kind == NudgeRecipient.ESCALATION_CONTACT:
            add_contact(client.escalation_contact)
    return list(found.values())


def nudge_deliver(*, nudge_id: int) -> Nudge | None:
    """Deliver one claimed nudge, at most once per recipient.

    Each recipient is handled in its own transaction that locks the clock row:
    a client answering at the same moment waits for it, or has answered first
    and the nudge is skipped. A copy is marked sent right after the mail backend
    took it, so a retried delivery only sends what was not sent.
    """
    nudge = (
        Nudge.objects.select_related(
            "clock__role__hiring_manager",
            "clock__role__hr_contact",
            "clock__role__owner__user",
            "clock__client__owner__user",
            "clock__client__escalation_contact",
            "clock__submission__candidate",
            "clock__submission__role__agreement",
        )
        .filter(pk=nudge_id)
        .first()
    )
    if nudge is None or nudge.status != NudgeStatus.PENDING:
        return nudge
    for recipient in nudge_recipients(nudge=nudge):
        with transaction.atomic():
            if _skipped_if_answered(nudge):
                return nudge
            _deliver_to(nudge, recipient)
    with transaction.atomic():
        # A level with no one to tell (no escalation contact, say) sent nothing: it is
        # skipped, not delivered, when the client answered in the meantime.
        if not NudgeDelivery.objects.filter(nudge=nudge).exists() and _skipped_if_answered(nudge):
            return nudge
        delivered = outbox.claim(
            Nudge.objects,
            pk=nudge.pk,
            expect={"status": NudgeStatus.PENDING},
            status=NudgeStatus.DELIVERED,
            delivered_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if delivered:
            activity_record(
                actor=None,
                verb="nudge.sent",
                submission=nudge.clock.submission,
                summary=_timeline_summary(nudge),
                payload={"level": nudge.level, "clock": nudge.clock.kind},
            )
    return nudge


def _skipped_if_answered(nudge: Nudge) -> bool:
    """Lock the clock; if it has closed, mark the nudge skipped and say so."""
    clock = ResponseClock.objects.select_for_update().get(pk=nudge.clock_id)
    if clock.closed_at is None:
        return False
    outbox.claim(
        Nudge.objects,
        pk=nudge.pk,
        expect={"status": NudgeStatus.PENDING},
        status=NudgeStatus.SKIPPED,
        skip_reason=NudgeSkip.ANSWERED,
        updated_at=timezone.now(),
    )
    return True


def _deliver_to(nudge: Nudge, recipient: Recipient) -> None:
    delivery, _ = NudgeDelivery.objects.get_or_create(
        organization_id=nudge.organization_id,
        nudge=nudge,
        email=recipient.email,
        defaults={"membership": recipient.membership},
    )
    delivery = NudgeDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.sent_at is not None:
        return
    context = nudge_context(nudge=nudge, recipient=recipient)
    if NudgeChannel.IN_APP in nudge.channels and recipient.membership is not None:
        Notification.objects.get_or_create(
            organization_id=nudge.organization_id,
            nudge=nudge,
            membership=recipient.membership,
            defaults={
                "title": context["headline"],
                "body": context["why"],
                "url": context["action_path"],
            },
        )
    if NudgeChannel.EMAIL in nudge.channels:
        send_mail("nudge", context, to=recipient.email)
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["sent_at", "updated_at"])


ACTION_PATHS = {
    ClockKind.HM_REVIEW: "recruiting:submission-detail",
    ClockKind.HR_APPROVAL: "recruiting:submission-detail",
    ClockKind.INTERVIEW_FEEDBACK: "recruiting:submission-detail",
    ClockKind.OFFER_DECISION: "recruiting:submission-detail",
}
ACTION_VERBS = {
    ClockKind.HM_REVIEW: "Review the candidate",
    ClockKind.HR_APPROVAL: "Approve the culture-fit notes",
    ClockKind.INTERVIEW_FEEDBACK: "Log the interview feedback",
    ClockKind.OFFER_DECISION: "Decide on an offer",
}
TONE = {1: "gentle", 2: "firm", 3: "escalation"}


def nudge_context(*, nudge: Nudge, recipient: Recipient) -> dict:
    """What a nudge says: who waits for what, for how long, against which agreement."""
    clock = nudge.clock
    submission = clock.submission
    agreement = submission.role.agreement
    now = timezone.now()
    waited = now - clock.opened_at
    action_path = reverse(ACTION_PATHS[clock.kind], args=[submission.public_id])
    link = None
    if recipient.membership is not None:
        link = action_link_create(nudge=nudge, membership=recipient.membership, path=action_path)
    candidate = submission.candidate.full_name
    what = clock.get_kind_display().lower()
    headline = {
        1: f"{candidate} is waiting for you: the {what} is due",
        2: f"Overdue: {candidate} has waited {_human(waited)} for the {what}",
        3: f"Escalation: the {what} for {candidate} is {_human(now - clock.due_at)} overdue",
    }.get(nudge.level, f"The {what} for {candidate} is overdue")
    why = (
        f"{candidate} was put forward for {submission.role.title} at {clock.client.name} and has "
        f"waited {_human(waited)}. The agreed response time is {clock.sla_hours} business hours."
    )
    return {
        "nudge": nudge,
        "tone": TONE.get(nudge.level, "escalation"),
        "recipient": recipient,
        "clock": clock,
        "submission": submission,
        "candidate": candidate,
        "role": submission.role,
        "client": clock.client,
        "agreement": agreement,
        "waited": _human(waited),
        "overdue_by": _human(now - clock.due_at) if now > clock.due_at else "",
        "competing_offer_deadline": submission.competing_offer_deadline,
        "scarcity": agreement.get_talent_scarcity_display() if agreement else "",
        "market_notes": agreement.market_notes if agreement else "",
        "headline": headline,
        "why": why,
        # Only whoever owes the action can take it; the others are shown the submission.
        "action_verb": ACTION_VERBS[clock.kind]
        if recipient.membership is not None and recipient.membership.role == clock.owed_by
        else "Open the submission",
        "action_path": action_path,
        "action_url": settings.SITE_URL.rstrip("/") + (link or action_path),
    }


def _human(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{hours // 24} days"


def _timeline_summary(nudge: Nudge) -> str:
    return (
        f"Level {nudge.level} nudge sent: {nudge.clock.get_kind_display().lower()} "
        f"for {nudge.clock.submission.candidate.full_name}"
    )


# --- One-click links -------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def action_link_create(*, nudge: Nudge | None, membership: Membership, path: str) -> str:
    """A single-use, expiring link for one member to open the action (returns its path);
    `nudge` is the nudge that sends it, None for another mail (a weekly report)."""
    token = secrets.token_urlsafe(32)
    ActionLink.objects.create(
        organization_id=membership.organization_id,
        token_hash=_hash(token),
        membership=membership,
        nudge=nudge,
        path=path,
        expires_at=timezone.now() + ACTION_LINK_VALIDITY,
    )
    return reverse("engagements:action-link", args=[token])
