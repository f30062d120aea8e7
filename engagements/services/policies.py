"""The nudge policy: the organization's default escalation ladder and per-client overrides.

Saving a ladder changes when the next nudge of every affected open clock falls,
so the service recomputes their stored `next_nudge_at` (the scan only reads
that column) in bounded batches.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import Action, require
from activity.services import activity_record
from engagements.models import NudgeChannel, NudgePolicy, NudgeRecipient, ResponseClock
from engagements.services.schedule import next_nudge_schedule, policy_levels
from lib.exceptions import ApplicationError
from lib.tenancy import require_same_organization

MAX_LEVELS = 3
MAX_BUSINESS_DAYS = Decimal(10)
# Open clocks rescheduled per transaction: each batch holds its rows' locks
# briefly, so a policy change never blocks the scan or the client's answers for long.
RESCHEDULE_BATCH = 500


@dataclass(frozen=True)
class PolicyChange:
    policy: NudgePolicy | None
    rescheduled: int  # open clocks whose next nudge time was recomputed


def level_field(level: int, name: str) -> str:
    """The key of a level's value in the ValidationError this module raises
    (`level_2_recipients`), which the settings form uses as its field names."""
    return f"level_{level}_{name}"


def _days(value) -> Decimal | None:
    if isinstance(value, float):
        value = str(value)
    try:
        days = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return days if days.is_finite() else None


def _number(days: Decimal) -> int | float:
    """JSON keeps whole days as integers and halves as 0.5, never as strings."""
    return int(days) if days == days.to_integral_value() else float(days)


def _choices(values, allowed: type) -> tuple[list[str], list[str]]:
    """(known values in the enum's order, unknown values)."""
    given = [str(value) for value in (values or [])]
    known = [choice.value for choice in allowed if choice.value in given]
    return known, [value for value in given if value not in allowed.values]


def nudge_levels_clean(levels: list[dict]) -> list[dict]:
    """Validate a ladder and return it as stored. Errors are keyed by `level_field`.

    Levels are numbered in the given order from 1; each is sent a number of
    business days (0 to 10, two decimals) after the clock's due time, strictly
    later than the level before; each has at least one recipient and one channel.
    """
    if not levels:
        raise ValidationError({"levels": "A policy needs at least one level."})
    if len(levels) > MAX_LEVELS:
        raise ValidationError({"levels": f"A policy has at most {MAX_LEVELS} levels."})
    errors: dict[str, list[str]] = {}

    def add(number: int, name: str, message: str) -> None:
        errors.setdefault(level_field(number, name), []).append(message)

    cleaned: list[dict] = []
    previous: Decimal | None = None  # the last valid offset, which the next must exceed
    for number, spec in enumerate(levels, start=1):
        days = _days(spec.get("after_business_days"))
        if days is None:
            add(number, "after_business_days", "Enter a number of business days, such as 1 or 0.5.")
        elif not 0 <= days <= MAX_BUSINESS_DAYS:
            add(
                number,
                "after_business_days",
                f"Choose between 0 and {MAX_BUSINESS_DAYS} business days.",
            )
        elif days.as_tuple().exponent < -2:
            add(number, "after_business_days", "Use at most two decimals, such as 0.5.")
        elif previous is not None and days <= previous:
            add(
                number,
                "after_business_days",
                f"Level {number} must come later than the level before it "
                f"(more than {previous.normalize():f} business days after the due time).",
            )
        else:
            previous = days

        recipients, unknown = _choices(spec.get("recipients"), NudgeRecipient)
        if unknown:
            add(number, "recipients", f"Unknown recipient: {', '.join(unknown)}.")
        elif not recipients:
            add(number, "recipients", f"Choose at least one recipient for level {number}.")
        channels, unknown = _choices(spec.get("channels"), NudgeChannel)
        if unknown:
            add(number, "channels", f"Unknown channel: {', '.join(unknown)}.")
        elif not channels:
            add(number, "channels", f"Choose at least one channel for level {number}.")
        cleaned.append(
            {
                "level": number,
                "after_business_days": _number(days) if days is not None else None,
                "recipients": recipients,
                "channels": channels,
            }
        )
    if errors:
        raise ValidationError(errors)
    return cleaned


def nudge_policy_save(*, actor: Membership, client=None, levels: list[dict]) -> PolicyChange:
    """Save the organization's default ladder (no client) or one client's override,
    then reschedule the open clocks it governs."""
    require(actor, Action.MANAGE_ORGANIZATION)
    require_same_organization(actor, client)
    cleaned = nudge_levels_clean(levels)
    with transaction.atomic():
        # The unique constraints (one default per organization, one policy per
        # client) make a concurrent first save of the same policy an update.
        policy, _ = NudgePolicy.objects.update_or_create(
            organization_id=actor.organization_id,
            client=client,
            defaults={"levels": cleaned},
        )
        activity_record(
            actor=actor,
            verb="nudge_policy.updated",
            client=client,
            summary=(
                f"Nudge policy for {client.name} updated"
                if client is not None
                else "Organization nudge policy updated"
            ),
            payload={"levels": cleaned},
            internal=True,
        )
    return PolicyChange(policy, _reschedule(client=client, levels=cleaned))


def nudge_policy_remove(*, actor: Membership, client) -> PolicyChange:
    """Remove a client's override: its clocks follow the organization's default again."""
    require(actor, Action.MANAGE_ORGANIZATION)
    require_same_organization(actor, client)
    with transaction.atomic():
        deleted, _ = NudgePolicy.objects.filter(client=client).delete()
        if not deleted:
            raise ApplicationError(f"{client.name} has no nudge policy of its own.")
        activity_record(
            actor=actor,
            verb="nudge_policy.removed",
            client=client,
            summary=f"Nudge policy for {client.name} removed: the organization's applies",
            internal=True,
        )
    return PolicyChange(None, _reschedule(client=client, levels=policy_levels(client=client)))


def _reschedule(*, client, levels: list[dict]) -> int:
    """Recompute `next_nudge_at` of the open clocks a ladder governs: the client's,
    or, for the organization's default, those of every client without an override.

    Keyset batches in id order, each in its own transaction with its rows locked:
    a scan claiming one of these clocks at the same moment holds its lock (the
    claim skips locked rows, so it never waits on us) and we then recompute from
    the level it claimed. Should a batch fail, the clocks not reached keep their
    old time, and each claim recomputes the next one from the policy in force.
    """
    open_clocks = ResponseClock.objects.filter(closed_at__isnull=True)
    if client is not None:
        open_clocks = open_clocks.filter(client=client)
    else:
        overridden = NudgePolicy.objects.filter(client__isnull=False).values("client_id")
        open_clocks = open_clocks.exclude(client_id__in=overridden)
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                open_clocks.filter(pk__gt=last_id)
                .select_related("client")
                .select_for_update(of=("self",))
                .order_by("pk")[:RESCHEDULE_BATCH]
            )
            if not batch:
                return done
            now = timezone.now()
            for clock in batch:
                clock.next_nudge_at = next_nudge_schedule(
                    clock=clock, levels=levels, calendar=clock.client.calendar
                )
                clock.updated_at = now
            ResponseClock.objects.bulk_update(batch, ["next_nudge_at", "updated_at"])
        done += len(batch)
        last_id = batch[-1].pk
