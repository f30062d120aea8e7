"""Nudges about the agreement itself: missed check-ins and a submissions target behind.

The agreement sets a check-in cadence and a weekly submissions target; an hourly
scan (`reminders_scan`) finds, per organization, the roles where one was missed
and claims a `Reminder` for that period under its unique constraint. The claim's
transaction also writes the in-app notifications and the timeline entry, so they
happen exactly once with it; mail goes out after commit, one recipient at a time
under the reminder's row lock, each copy recorded in `sent_to` so that a retried
send (the next scan, if mail failed) only mails whoever was not mailed yet.

Cadence rules, all in the client's timezone:

* weekly: every `checkin_weekday` at `checkin_time`;
* fortnightly: that weekday every other week, counted from the week (Monday to
  Sunday) in which the agreement was agreed: weeks 0, 2, 4… after it;
* monthly: the first `checkin_weekday` of each month (days 1 to 7);
* a check-in scheduled before the agreement was agreed is never due;
* a reading that does not exist on a clock-change night (02:30 when clocks go
  forward) is read with the offset before the change, and a repeated one as its
  first occurrence (zoneinfo's `fold=0`); agreed check-in times are office hours,
  where neither happens.

A check-in is missed when, more than two business hours (the client's calendar)
after the scheduled moment, no check-in was logged as held since one day before
it. The target is behind when, from Thursday 12:00 of an ISO week, fewer
submissions were created since Monday 00:00 than agreed; a week that began
before the agreement was agreed is not measured.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import Action, require
from accounts.selectors import all_organization_ids
from activity.services import activity_record
from engagements.models import CheckIn, Notification, Reminder, ReminderKind
from intake.models import AgreementStatus, Cadence, ExpectationAgreement
from lib.business_hours import add_business_hours
from lib.mail import send_mail
from lib.tenancy import organization_context, require_same_organization
from lib.text import is_blank
from recruiting.models import Role, RoleStatus, Submission

logger = logging.getLogger(__name__)

MISSED_AFTER_BUSINESS_HOURS = 2
# A check-in held the day before the scheduled one (moved earlier) still counts.
CHECKIN_EARLY_GRACE = timedelta(days=1)
# A check-in logged a few minutes "in the future" is a clock difference, not a plan.
CHECKIN_FUTURE_GRACE = timedelta(minutes=10)
NOTES_REQUIRED = "Say what was discussed and what changes: a check-in needs its notes."
TARGET_CHECK_WEEKDAY = 3  # Thursday
TARGET_CHECK_TIME = time(12, 0)
# Monthly check-ins are at most five weeks apart: looking this far covers every cadence.
_SCHEDULE_HORIZON_DAYS = 62
# An unsent reminder younger than this is still being sent by its claimer.
RESEND_AFTER = timedelta(minutes=5)


# --- The cadence -----------------------------------------------------------------------


def _local_moment(day: date, reading: time, zone: ZoneInfo) -> datetime:
    # fold=0: a skipped reading takes the offset before the change, a repeated one
    # its first occurrence (see the module docstring).
    return datetime.combine(day, reading, tzinfo=zone)


def _day(moment: datetime) -> str:
    """Like "Tue 1 Dec": strftime has no portable unpadded day of the month."""
    return f"{moment:%a} {moment.day} {moment:%b}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def agreement_start(agreement: ExpectationAgreement) -> datetime:
    """When the agreement took effect; an agreed version without a date (imported)
    counts from its creation."""
    return agreement.agreed_at or agreement.created_at


def is_checkin_day(*, agreement: ExpectationAgreement, day: date, zone: ZoneInfo) -> bool:
    """Whether the agreement's cadence schedules a check-in on this local date."""
    if day.weekday() != agreement.checkin_weekday:
        return False
    if agreement.checkin_cadence == Cadence.FORTNIGHTLY:
        anchor = _monday(agreement_start(agreement).astimezone(zone).date())
        return ((_monday(day) - anchor).days // 7) % 2 == 0
    if agreement.checkin_cadence == Cadence.MONTHLY:
        return day.day <= 7
    return True


def checkin_latest_scheduled(
    *, agreement: ExpectationAgreement, timezone_name: str, now: datetime
) -> datetime | None:
    """The most recent scheduled check-in at or before `now`, or None when none has
    fallen since the agreement took effect."""
    zone = ZoneInfo(timezone_name)
    start = agreement_start(agreement)
    today = now.astimezone(zone).date()
    for offset in range(_SCHEDULE_HORIZON_DAYS + 1):
        day = today - timedelta(days=offset)
        if not is_checkin_day(agreement=agreement, day=day, zone=zone):
            continue
        moment = _local_moment(day, agreement.checkin_time, zone)
        if moment > now:
            continue
        return moment if moment >= start else None
    return None


def checkin_next_scheduled(
    *, agreement: ExpectationAgreement, timezone_name: str, now: datetime
) -> datetime | None:
    """The next scheduled check-in after `now` (None only for broken data)."""
    zone = ZoneInfo(timezone_name)
    start = agreement_start(agreement)
    today = now.astimezone(zone).date()
    for offset in range(_SCHEDULE_HORIZON_DAYS + 1):
        day = today + timedelta(days=offset)
        if is_checkin_day(agreement=agreement, day=day, zone=zone):
            moment = _local_moment(day, agreement.checkin_time, zone)
            if moment > now and moment >= start:
                return moment
    return None


def checkin_missed_after(*, role: Role, scheduled: datetime) -> datetime:
    """When a scheduled check-in counts as missed: two business hours after it."""
    return add_business_hours(
        calendar=role.client.calendar, start=scheduled, hours=MISSED_AFTER_BUSINESS_HOURS
    )


@dataclass(frozen=True)
class TargetWeek:
    starts_at: datetime  # Monday 00:00, client time
    checked_from: datetime  # Thursday 12:00, client time
    period: str  # ISO week, "2026-W48"


def target_week(*, timezone_name: str, now: datetime) -> TargetWeek:
    """The client's ISO week containing `now`, and when its target is checked."""
    zone = ZoneInfo(timezone_name)
    monday = _monday(now.astimezone(zone).date())
    iso = monday.isocalendar()
    return TargetWeek(
        starts_at=_local_moment(monday, time(0), zone),
        checked_from=_local_moment(
            monday + timedelta(days=TARGET_CHECK_WEEKDAY), TARGET_CHECK_TIME, zone
        ),
        period=f"{iso.year}-W{iso.week:02d}",
    )


# --- Check-ins ------------------------------------------------------------------------


def checkin_log(*, actor: Membership, role: Role, held_at: datetime, notes: str) -> CheckIn:
    """Record a check-in held with the client about the role (agency only), with what
    was discussed: a check-in with nothing written down tells the agency nothing."""
    require(actor, Action.EDIT_AGREEMENT)
    require_same_organization(actor, role)
    if held_at > timezone.now() + CHECKIN_FUTURE_GRACE:
        raise ValidationError({"held_at": "Log a check-in once it has taken place."})
    if is_blank(notes):
        raise ValidationError({"notes": NOTES_REQUIRED})
    notes = notes.strip()
    zone = ZoneInfo(role.client.timezone)
    local = held_at.astimezone(zone)
    with transaction.atomic():
        check_in = CheckIn.objects.create(
            organization_id=actor.organization_id,
            role=role,
            held_at=held_at,
            logged_by=actor,
            notes=notes,
        )
        activity_record(
            actor=actor,
            verb="checkin.logged",
            role=role,
            summary=f"Check-in about {role.title} held {_day(local)}, {local:%H:%M} ({zone.key})",
            payload={"held_at": held_at.isoformat()},
        )
    return check_in


@dataclass(frozen=True)
class CheckInOverview:
    agreement: ExpectationAgreement | None
    last: CheckIn | None
    next_scheduled: datetime | None


def checkin_overview(*, role: Role, now: datetime | None = None) -> CheckInOverview:
    """For the check-in page: the cadence in force, the last check-in, the next one due."""
    now = now or timezone.now()
    agreement = role.agreement if role.agreement_id else None
    if agreement is not None and agreement.status != AgreementStatus.AGREED:
        agreement = None
    last = CheckIn.objects.filter(role=role).order_by("-held_at").first()
    upcoming = (
        checkin_next_scheduled(agreement=agreement, timezone_name=role.client.timezone, now=now)
        if agreement is not None
        else None
    )
    return CheckInOverview(agreement=agreement, last=last, next_scheduled=upcoming)


# --- Claiming reminders ------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A reminder the scan found due, before it is claimed."""

    kind: str
    role: Role
    period: str
    scheduled_for: datetime
    submitted: int = 0  # behind target: how many this week


def _payload(due: Due) -> dict:
    # The count the claim saw, so a mail sent later says what the timeline says.
    return {"submitted": due.submitted} if due.kind == ReminderKind.BEHIND_TARGET else {}


def _hiring_manager_membership(role: Role) -> Membership | None:
    contact = role.hiring_manager
    if contact is None or contact.user_id is None:
        return None
    return Membership.objects.filter(user_id=contact.user_id).select_related("user").first()


def _recipients(due: Due) -> list[Membership]:
    """Missed check-in: the recruiter and the hiring manager (when they have a login
    here); behind target: the recruiter, whose commitment it is."""
    found = [due.role.owner]
    if due.kind == ReminderKind.MISSED_CHECKIN:
        found.append(_hiring_manager_membership(due.role))
    unique: dict[int, Membership] = {}
    for member in found:
        if member is not None:
            unique.setdefault(member.pk, member)
    return list(unique.values())


def _content(
    *, kind: str, role: Role, scheduled_for: datetime, submitted: int | None = None
) -> dict:
    """What a reminder says; the same words in the notification, the mail and the timeline."""
    agreement = role.agreement
    client = role.client
    zone = ZoneInfo(client.timezone)
    if kind == ReminderKind.MISSED_CHECKIN:
        when = scheduled_for.astimezone(zone)
        return {
            "headline": f"Missed check-in: {role.title} at {client.name}",
            "why": (
                f"The agreement for {role.title} sets a "
                f"{agreement.get_checkin_cadence_display().lower()} check-in on "
                f"{agreement.get_checkin_weekday_display()} at "
                f"{agreement.checkin_time:%H:%M} ({zone.key}). The one scheduled for "
                f"{_day(when)}, {when:%H:%M} has not been logged."
            ),
            "summary": f"Reminder sent: the check-in of {_day(when)} was not logged",
            "internal": False,
        }
    target = agreement.submissions_per_week
    return {
        "headline": f"Behind target: {submitted} of {target} candidate{'s' if target != 1 else ''} "
        f"this week for {role.title}",
        "why": (
            f"The agreement for {role.title} at {client.name} commits to {target} "
            f"candidate{'s' if target != 1 else ''} a week; {submitted} "
            f"{'has' if submitted == 1 else 'have'} been submitted since Monday."
        ),
        "summary": f"Reminder sent: {submitted} of {target} candidates submitted this week",
        # The recruiter's own shortfall: a note to the agency, not to the client.
        "internal": True,
    }


def _action(*, kind: str, role: Role, member: Membership) -> tuple[str, str]:
    """(verb, path) of what this recipient can do about it."""
    if kind == ReminderKind.BEHIND_TARGET and not member.is_client_user:
        return "Submit a candidate", reverse("recruiting:submission-create", args=[role.public_id])
    if kind == ReminderKind.MISSED_CHECKIN and not member.is_client_user:
        return "Log the check-in", reverse("engagements:checkin-create", args=[role.public_id])
    return "Open the role", reverse("recruiting:role-detail", args=[role.public_id])


def reminder_claim(*, due: Due) -> Reminder | None:
    """Claim one reminder: the unique insert wins once, whatever runs concurrently.

    The notifications and the timeline entry are written in the claim's
    transaction, so they exist exactly when the claim does; mail is sent after commit.
    """
    role = due.role
    content = _content(
        kind=due.kind, role=role, scheduled_for=due.scheduled_for, submitted=due.submitted
    )
    recipients = _recipients(due)
    with transaction.atomic():
        # get_or_create inserts in a savepoint: a concurrent claimer's insert makes
        # this one wait on the unique index, then fail and return the winner's row.
        reminder, created = Reminder.objects.get_or_create(
            organization_id=role.organization_id,
            kind=due.kind,
            role=role,
            period=due.period,
            defaults={
                "scheduled_for": due.scheduled_for,
                "recipients": [member.pk for member in recipients],
                "payload": _payload(due),
            },
        )
        if not created:
            return None
        Notification.objects.bulk_create(
            Notification(
                organization_id=role.organization_id,
                membership=member,
                title=content["headline"][:200],
                body=content["why"],
                url=_action(kind=due.kind, role=role, member=member)[1],
            )
            for member in recipients
        )
        activity_record(
            actor=None,
            verb=f"reminder.{due.kind}",
            role=role,
            summary=content["summary"],
            payload={
                "period": due.period,
                "scheduled_for": due.scheduled_for.isoformat(),
                "recipients": [member.user.get_full_name() for member in recipients],
                **_payload(due),
            },
            internal=content["internal"],
        )
        _send_after_commit(reminder)
    return reminder


def _send_after_commit(reminder: Reminder) -> None:
    organization_id, reminder_id = str(reminder.organization_id), reminder.pk

    def send() -> None:
        # Runs after the claim committed, possibly outside any organization's context.
        try:
            with organization_context(organization_id):
                reminder_send(reminder_id=reminder_id)
        except OSError:  # SMTP or socket: the next scan sends what was not sent
            logger.warning("Could not mail reminder %s; the next scan retries", reminder_id)

    transaction.on_commit(send)


def reminder_send(*, reminder_id: int) -> int:
    """Mail the reminder to each recipient not mailed yet; returns how many were mailed.

    Each copy is sent holding the reminder's row lock and recorded right after,
    so two senders never mail the same person and a retry resumes where a failure
    stopped.
    """
    reminder = (
        Reminder.objects.select_related("role__client", "role__agreement")
        .filter(pk=reminder_id, sent_at__isnull=True)
        .first()
    )
    if reminder is None:
        return 0
    role = reminder.role
    members = Membership.objects.filter(pk__in=reminder.recipients, user__is_active=True)
    sent = 0
    for member in members.select_related("user"):
        email = member.user.email.lower()
        with transaction.atomic():
            locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
            if email in locked.sent_to:
                continue
            content = _content(
                kind=locked.kind,
                role=role,
                scheduled_for=locked.scheduled_for,
                submitted=locked.payload.get("submitted"),
            )
            verb, path = _action(kind=locked.kind, role=role, member=member)
            send_mail(
                "reminder",
                {
                    **content,
                    "reminder": locked,
                    "role": role,
                    "client": role.client,
                    "recipient": member,
                    "action_verb": verb,
                    "action_url": settings.SITE_URL.rstrip("/") + path,
                },
                to=email,
            )
            locked.sent_to = [*locked.sent_to, email]
            locked.save(update_fields=["sent_to", "updated_at"])
            sent += 1
    Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), updated_at=timezone.now()
    )
    return sent


# --- The scan -----------------------------------------------------------------------------


def reminders_due(*, now: datetime) -> list[Due]:
    """Every missed check-in and every target behind, in the active organization.

    Four queries whatever the number of roles: the open roles under an agreed
    agreement, their latest check-ins, this week's submissions, and the reminders
    already claimed for the periods found.
    """
    roles = list(
        Role.objects.filter(status=RoleStatus.OPEN, agreement__status=AgreementStatus.AGREED)
        .select_related("agreement", "client", "owner__user", "hiring_manager")
        .order_by("pk")
    )
    if not roles:
        return []
    latest_checkin = dict(
        CheckIn.objects.filter(role__in=roles)
        .values("role_id")
        .annotate(latest=Max("held_at"))
        .values_list("role_id", "latest")
    )
    found: list[Due] = []
    weeks: dict[int, TargetWeek] = {}
    for role in roles:
        agreement = role.agreement
        scheduled = checkin_latest_scheduled(
            agreement=agreement, timezone_name=role.client.timezone, now=now
        )
        if scheduled is not None and now >= checkin_missed_after(role=role, scheduled=scheduled):
            held = latest_checkin.get(role.pk)
            if held is None or held < scheduled - CHECKIN_EARLY_GRACE:
                period = scheduled.astimezone(ZoneInfo(role.client.timezone)).date().isoformat()
                found.append(Due(ReminderKind.MISSED_CHECKIN, role, period, scheduled))
        week = target_week(timezone_name=role.client.timezone, now=now)
        if now >= week.checked_from and agreement_start(agreement) <= week.starts_at:
            weeks[role.pk] = week
    if weeks:
        earliest = min(week.starts_at for week in weeks.values())
        submitted: dict[int, int] = dict.fromkeys(weeks, 0)
        for role_id, created_at in Submission.objects.filter(
            role_id__in=list(weeks), created_at__gte=earliest
        ).values_list("role_id", "created_at"):
            if created_at >= weeks[role_id].starts_at:
                submitted[role_id] += 1
        for role in roles:
            week = weeks.get(role.pk)
            if week is not None and submitted[role.pk] < role.agreement.submissions_per_week:
                found.append(
                    Due(
                        ReminderKind.BEHIND_TARGET,
                        role,
                        week.period,
                        week.checked_from,
                        submitted[role.pk],
                    )
                )
    return found


def reminders_scan_organization(*, now: datetime) -> list[Reminder]:
    """Claim every due reminder of the active organization not claimed yet, and send
    again the mail of earlier claims that did not all go out."""
    due = reminders_due(now=now)
    if not due:
        return []
    existing = {
        (reminder.kind, reminder.role_id, reminder.period): reminder
        for reminder in Reminder.objects.filter(
            role_id__in={item.role.pk for item in due},
            period__in={item.period for item in due},
        )
    }
    claimed = []
    for item in due:
        earlier = existing.get((item.kind, item.role.pk, item.period))
        if earlier is None:
            reminder = reminder_claim(due=item)
            if reminder is not None:
                claimed.append(reminder)
        elif earlier.sent_at is None and earlier.created_at <= now - RESEND_AFTER:
            try:
                reminder_send(reminder_id=earlier.pk)
            except OSError:
                logger.warning("Could not mail reminder %s; the next scan retries", earlier.pk)
    return claimed


def reminders_scan(*, now: datetime | None = None) -> list[Reminder]:
    """The hourly scan: every organization, each in its own context."""
    now = now or timezone.now()
    claimed: list[Reminder] = []
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            claimed.extend(reminders_scan_organization(now=now))
    return claimed
