"""What the client owes and when (response clocks), and what happened (activity)."""

from django.db import models
from django.utils import timezone

from lib.models import BoundedTextField, PublicIdMixin, TenantModel


class ClockKind(models.TextChoices):
    HM_REVIEW = "hm_review", "Skills review"
    HR_APPROVAL = "hr_approval", "Culture-fit approval"
    INTERVIEW_FEEDBACK = "interview_feedback", "Interview feedback"
    OFFER_DECISION = "offer_decision", "Offer decision"


class ClockOutcome(models.TextChoices):
    ANSWERED = "answered", "Answered by the client"
    CANCELLED = "cancelled", "Cancelled: the candidate left the process"


class OwedBy(models.TextChoices):
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    HR = "hr", "HR"


class ResponseClock(PublicIdMixin, TenantModel):
    """An action the client owes on a submission, with its agreed deadline.

    `due_at` is stored, computed by the services from the agreement's SLA in the
    client's business hours and pulled earlier by a competing-offer deadline, so
    "what is overdue" is an indexed range query, never a computation per row.
    """

    submission = models.ForeignKey(
        "recruiting.Submission", on_delete=models.CASCADE, related_name="clocks"
    )
    # Denormalised for the pages that list clocks by client or role without joins.
    client = models.ForeignKey("recruiting.Client", on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    owed_by = models.CharField(max_length=20, choices=OwedBy.choices)
    # Who at the client owes it: the role's hiring manager or HR contact when the clock
    # opened (`owing_contact_id`), kept so that a later change of the role's contacts
    # does not move past answers to someone else (the metrics count per contact).
    contact = models.ForeignKey(
        "recruiting.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage_name = models.CharField(max_length=80, blank=True)  # for interview feedback
    opened_at = models.DateTimeField()
    sla_hours = models.PositiveSmallIntegerField()
    sla_due_at = models.DateTimeField(help_text="When the SLA alone says it is due.")
    due_at = models.DateTimeField(help_text="The SLA due time, or earlier for a competing offer.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Only answered clocks count towards the client's responsiveness.
    outcome = models.CharField(max_length=10, choices=ClockOutcome.choices, blank=True)
    # The escalation ladder's progress: the last level claimed and when the next is due.
    nudge_level = models.PositiveSmallIntegerField(default=0)
    next_nudge_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The API's clock list, newest first (its cursor pages by created_at), also
            # filtered by `open` and `overdue`: without it, every page sorted all of the
            # organization's clocks.
            models.Index(fields=["organization", "-created_at"], name="clock_org_created_idx"),
            # The client list's and client page's responsiveness
            # (`responsiveness_by_client`): a page of clients' clocks counted from the
            # index alone.
            models.Index(
                fields=["organization", "client"],
                include=["outcome", "closed_at", "due_at"],
                name="clock_org_client_idx",
            ),
            # The client's queues (`engagements.selectors.queue_page`, `queue_count`): a
            # client's open clocks of a kind, soonest due first.
            models.Index(
                fields=["organization", "client", "kind", "due_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="clock_open_queue_idx",
            ),
            # Home page and client pages: the organization's open clocks, soonest due first.
            models.Index(
                fields=["organization", "due_at"],
                condition=models.Q(closed_at__isnull=True),
                name="clock_open_due_idx",
            ),
            models.Index(
                fields=["organization", "submission", "kind"], name="clock_org_submission_idx"
            ),
            # The nudge scan (`rapport_due_nudges`): open clocks whose next nudge is
            # due, soonest first, across organizations. It is the one index not led by
            # organization_id, because the scan is the one query that spans tenants;
            # it holds only clocks with a nudge to come, so a scan's cost follows the
            # number of due clocks, not open ones.
            models.Index(
                fields=["next_nudge_at"],
                condition=models.Q(closed_at__isnull=True, next_nudge_at__isnull=False),
                name="clock_nudge_due_idx",
            ),
        ]
        constraints = [
            # At most one open clock of a kind per submission: opening is idempotent.
            models.UniqueConstraint(
                fields=["organization", "submission", "kind"],
                condition=models.Q(closed_at__isnull=True),
                name="clock_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_overdue(self) -> bool:
        return self.closed_at is None and self.due_at <= timezone.now()


class NudgeRecipient(models.TextChoices):
    OWING_PARTY = "owing_party", "Whoever owes the action"
    COUNTERPART = "counterpart", "Their counterpart (HM ↔ HR)"
    RECRUITER = "recruiter", "The role's recruiter"
    RELATIONSHIP_OWNER = "relationship_owner", "The agency owner of the client relationship"
    ESCALATION_CONTACT = "escalation_contact", "The client's escalation contact"


class NudgeChannel(models.TextChoices):
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In-app notification"


def default_ladder() -> list[dict]:
    """The built-in ladder (docs/nudges.md#the-ladder): at the due time the owing party;
    a business day later, cc the counterpart and the recruiter; two business days
    later, escalate."""
    return [
        {
            "level": 1,
            "after_business_days": 0,
            "recipients": [NudgeRecipient.OWING_PARTY],
            "channels": [NudgeChannel.EMAIL, NudgeChannel.IN_APP],
        },
        {
            "level": 2,
            "after_business_days": 1,
            "recipients": [
                NudgeRecipient.OWING_PARTY,
                NudgeRecipient.COUNTERPART,
                NudgeRecipient.RECRUITER,
            ],
            "channels": [NudgeChannel.EMAIL, NudgeChannel.IN_APP],
        },
        {
            "level": 3,
            "after_business_days": 2,
            "recipients": [
                NudgeRecipient.RELATIONSHIP_OWNER,
                NudgeRecipient.ESCALATION_CONTACT,
            ],
            "channels": [NudgeChannel.EMAIL, NudgeChannel.IN_APP],
        },
    ]


class NudgePolicy(TenantModel):
    """The escalation ladder: the organization's default (no client) or one client's."""

    client = models.OneToOneField(
        "recruiting.Client",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="nudge_policy",
    )
    levels = models.JSONField(default=default_ladder)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(client__isnull=True),
                name="nudge_policy_one_default_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"Nudge policy for {self.client or 'the organization'}"


class NudgeStatus(models.TextChoices):
    PENDING = "pending", "Claimed, not delivered yet"
    DELIVERED = "delivered", "Delivered"
    SKIPPED = "skipped", "Skipped: not sent"


class NudgeSkip(models.TextChoices):
    """Why a level was skipped (`Nudge.skip_reason`)."""

    ANSWERED = "answered", "The client answered before it was sent"
    PASSED_OVER = "passed_over", "A higher level was due as well: only that one was sent"


class Nudge(PublicIdMixin, TenantModel):
    """One level of escalation for one clock, claimed exactly once.

    The unique constraint on (clock, level) is the claim: however many scans run,
    only one insert of a pair succeeds. Delivery happens after the claim commits.
    """

    clock = models.ForeignKey(ResponseClock, on_delete=models.CASCADE, related_name="nudges")
    level = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=NudgeStatus.choices, default=NudgeStatus.PENDING
    )
    recipients = models.JSONField(default=list)
    channels = models.JSONField(default=list)
    # Set with the skipped status only.
    skip_reason = models.CharField(max_length=12, choices=NudgeSkip.choices, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "clock", "level"], name="nudge_once_per_clock_level"
            ),
        ]
        indexes = [
            # The sweeper: claimed nudges still waiting for delivery, oldest first.
            models.Index(
                fields=["enqueued_at"],
                condition=models.Q(status="pending"),
                name="nudge_pending_idx",
            ),
            models.Index(fields=["organization", "clock"], name="nudge_org_clock_idx"),
            # The API's nudge list, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="nudge_org_created_idx"),
        ]

    def __str__(self) -> str:
        return f"Level {self.level} nudge for {self.clock}"


class NudgeDelivery(TenantModel):
    """One recipient's copy of a nudge: sent at most once, recorded right after sending."""

    nudge = models.ForeignKey(Nudge, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "nudge", "email"], name="nudge_delivery_once_per_email"
            ),
        ]


class Notification(TenantModel):
    """An in-app notification for one member; the header shows the unread count."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="notifications"
    )
    nudge = models.ForeignKey(
        Nudge, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organization", "membership", "-created_at"], name="notif_member_idx"
            ),
            # The header's unread count.
            models.Index(
                fields=["organization", "membership"],
                condition=models.Q(read_at__isnull=True),
                name="notif_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "nudge", "membership"],
                condition=models.Q(nudge__isnull=False),
                name="notification_once_per_nudge",
            ),
        ]


class ActionLink(TenantModel):
    """A signed, single-use, expiring link in a mail (a nudge, a client's weekly
    report) that opens the action to take."""

    token_hash = models.CharField(max_length=64, unique=True)
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    # The nudge that sent it; none for a link in a weekly report.
    nudge = models.ForeignKey(
        Nudge, on_delete=models.CASCADE, related_name="links", null=True, blank=True
    )
    path = models.CharField(max_length=300)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


class DigestLog(TenantModel):
    """A member's daily digest was sent for this local date: once per day."""

    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="+"
    )
    local_date = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership", "local_date"], name="digest_once_a_day"
            ),
        ]


class CheckIn(TenantModel):
    """A check-in the recruiter held with the client about a role, as its agreement's
    cadence asks; logging one is what keeps the missed check-in reminder quiet."""

    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="check_ins")
    held_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notes = BoundedTextField(blank=True)

    class Meta:
        ordering = ["-held_at"]
        indexes = [
            # The reminder scan and the check-in page: a role's latest check-in.
            models.Index(fields=["organization", "role", "-held_at"], name="checkin_org_role_idx"),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.role} at {self.held_at:%Y-%m-%d %H:%M}"


class ReminderKind(models.TextChoices):
    MISSED_CHECKIN = "missed_checkin", "Missed check-in"
    BEHIND_TARGET = "behind_target", "Behind the submissions target"


class Reminder(TenantModel):
    """A reminder about a role's agreement, claimed exactly once per period.

    `period` names what the reminder is about: the scheduled check-in's date
    ("2026-11-24") or the ISO week of the submissions target ("2026-W48"). The
    unique constraint is the claim: however many scans run, one insert wins, and
    the in-app notifications and the timeline entry are written in the same
    transaction. Mail goes out after commit; `sent_to` records each copy so a
    retried send only mails who was not mailed yet.
    """

    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    role = models.ForeignKey("recruiting.Role", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=20)
    # The moment the reminder is about: the scheduled check-in, or Thursday noon.
    scheduled_for = models.DateTimeField()
    recipients = models.JSONField(default=list)  # membership ids
    sent_to = models.JSONField(default=list)  # emails already mailed
    payload = models.JSONField(default=dict, blank=True)  # e.g. {"submitted": 1}
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "role", "period"],
                name="reminder_once_per_period",
            ),
        ]
        indexes = [
            # A retried scan: reminders whose mail has not all gone out yet.
            models.Index(
                fields=["organization", "role"],
                condition=models.Q(sent_at__isnull=True),
                name="reminder_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder for {self.role} ({self.period})"
