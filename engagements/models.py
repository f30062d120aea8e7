"""What the client owes and when (response clocks), and what happened (activity)."""

from django.db import models
from django.utils import timezone

from lib.models import PublicIdMixin, TenantModel


class ClockKind(models.TextChoices):
    HM_REVIEW = "hm_review", "Skills review"
    HR_APPROVAL = "hr_approval", "Culture-fit approval"
    INTERVIEW_FEEDBACK = "interview_feedback", "Interview feedback"
    OFFER_DECISION = "offer_decision", "Offer decision"


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
    stage_name = models.CharField(max_length=80, blank=True)  # for interview feedback
    opened_at = models.DateTimeField()
    sla_hours = models.PositiveSmallIntegerField()
    sla_due_at = models.DateTimeField(help_text="When the SLA alone says it is due.")
    due_at = models.DateTimeField(help_text="The SLA due time, or earlier for a competing offer.")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # Home page and client pages: the organization's open clocks, soonest due first.
            models.Index(
                fields=["organization", "due_at"],
                condition=models.Q(closed_at__isnull=True),
                name="clock_open_due_idx",
            ),
            models.Index(
                fields=["organization", "submission", "kind"], name="clock_org_submission_idx"
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


class Activity(TenantModel):
    """One entry of the append-only timeline: who did what to which object, when.

    It is the audit log and the source of every page's timeline; a database
    trigger refuses updates so history cannot be rewritten.
    """

    actor = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=60)
    client = models.ForeignKey(
        "recruiting.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.ForeignKey(
        "recruiting.Role", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    candidate = models.ForeignKey(
        "recruiting.Candidate", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    submission = models.ForeignKey(
        "recruiting.Submission",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activities",
    )
    summary = models.CharField(max_length=300)
    payload = models.JSONField(default=dict, blank=True)
    # Client users see the shared timeline; recruiter-internal entries stay in the agency.
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organization", "submission", "-created_at"], name="activity_org_sub_idx"
            ),
            models.Index(
                fields=["organization", "role", "-created_at"], name="activity_org_role_idx"
            ),
            models.Index(
                fields=["organization", "client", "-created_at"], name="activity_org_client_idx"
            ),
        ]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.summary
