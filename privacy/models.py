"""What Rapport does for the people whose data it holds (docs/privacy.md): the export
of everything held about one candidate (the right of access), the record of each
erasure (which names nobody), and the retention policy with its daily runs."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lib.models import PublicIdMixin, TenantModel


class ErasureVia(models.TextChoices):
    PAGE = "page", "The candidate's page"
    API = "api", "The API"
    COMMAND = "command", "The erase_candidate command"
    RETENTION = "retention", "The retention policy"


class CandidateErasure(TenantModel):
    """That a candidate was erased: who asked, when, how, and which public id.

    It holds no personal data: the public id is a random identifier that meant
    something only together with the rows that were anonymised.
    """

    candidate_public_id = models.UUIDField()
    erased_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via = models.CharField(max_length=12, choices=ErasureVia.choices)
    # The résumé file deleted after commit (False when there was none).
    resume_deleted = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "candidate_public_id"], name="candidate_erased_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Candidate {self.candidate_public_id} erased"


CANDIDATE_MONTHS_MAX = 120
DELIVERY_DAYS_MAX = 3650
# The API promises a retried POST its first answer for 24 hours (docs/api.md); records
# are never kept longer, and the hourly purge drops them at 24 hours whatever the policy.
IDEMPOTENCY_HOURS_MAX = 24


class RetentionPolicy(TenantModel):
    """How long the organization keeps what it no longer needs; one row per organization,
    the defaults until an admin saves it (`privacy.selectors.retention_policy`)."""

    # None: candidates are never anonymised for inactivity.
    candidates_after_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(CANDIDATE_MONTHS_MAX)],
    )
    webhook_deliveries_after_days = models.PositiveSmallIntegerField(
        default=90, validators=[MinValueValidator(1), MaxValueValidator(DELIVERY_DAYS_MAX)]
    )
    idempotency_after_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(IDEMPOTENCY_HOURS_MAX)]
    )
    updated_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="retention_policy_one_per_org"),
        ]

    def __str__(self) -> str:
        return "Retention policy"


class RetentionRun(TenantModel):
    """One day's application of the policy to one organization, claimed once.

    The unique (organization, day) is the claim: however many times the task runs
    that day, one row exists. `finished_at` says the work is done; an unfinished run
    whose lease (`claimed_until`) has passed was abandoned by a crashed worker and
    is taken up again by the next run of the task.
    """

    day = models.DateField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    candidates_erased = models.PositiveIntegerField(default=0)
    webhook_deliveries_deleted = models.PositiveIntegerField(default=0)
    idempotency_records_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "day"], name="retention_run_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Retention run of {self.day}"


class ExportState(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


def export_file_path(organization_id, public_id) -> str:
    """Under MEDIA_ROOT, which no URL serves: only the download view streams it."""
    return f"exports/{organization_id}/{public_id}.zip"


class CandidateExport(PublicIdMixin, TenantModel):
    """One request for everything held about one candidate: a ZIP of a JSON document
    (privacy/sections.py) and their files, built by a worker, downloadable through a
    signed link until `expires_at`, then deleted by a periodic task."""

    candidate = models.ForeignKey(
        "recruiting.Candidate", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=ExportState.choices, default=ExportState.PENDING
    )
    # When the build was last handed to the broker: the sweep re-enqueues one whose
    # message was lost (broker down, worker killed).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Relative to MEDIA_ROOT; emptied when the file is deleted.
    file_path = models.CharField(max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # A candidate's exports, newest first (the export page).
            models.Index(
                fields=["organization", "candidate", "-created_at"],
                name="export_org_candidate_idx",
            ),
            # The API's list, newest first (its cursor pages by created_at).
            models.Index(fields=["organization", "-created_at"], name="export_org_created_idx"),
            # The purge: ready exports past their expiry.
            models.Index(
                fields=["organization", "expires_at"],
                condition=models.Q(state="ready"),
                name="export_ready_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Export of {self.candidate_id} ({self.state})"
