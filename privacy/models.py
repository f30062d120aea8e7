"""What Rapport does for the people whose data it holds (docs/privacy.md): for now,
the right of access, answered by an export of everything held about one candidate."""

from django.db import models

from lib.models import PublicIdMixin, TenantModel


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
