"""The append-only timeline: who did what to which object, and when."""

from django.db import models

from lib.models import PublicIdMixin, TenantModel


class Activity(PublicIdMixin, TenantModel):
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
            # The API's activity list, newest first (its cursor pages by created_at), and
            # its `since`/`until` filters: without it, every page sorted all of the
            # organization's activities.
            models.Index(fields=["organization", "-created_at"], name="activity_org_created_idx"),
            # Its `verb` filter: a verb whose entries are old or absent would otherwise be
            # looked for through all of the organization's activities.
            models.Index(
                fields=["organization", "verb", "-created_at"], name="activity_org_verb_idx"
            ),
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
        # The table was created by the engagements app, before the timeline had an app
        # of its own; keeping its name moved the model without copying a row.
        db_table = "engagements_activity"

    def __str__(self) -> str:
        return self.summary
