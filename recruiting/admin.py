from django.contrib import admin

from lib.admin import TenantAdmin
from recruiting.models import (
    Candidate,
    Client,
    ConsentRecord,
    Contact,
    CultureApproval,
    InterviewFeedback,
    Role,
    SkillsReview,
    Submission,
)


@admin.register(Client)
class ClientAdmin(TenantAdmin):
    list_display = ("name", "timezone", "owner", "created_at")
    search_fields = ("name",)
    raw_id_fields = ("owner", "escalation_contact")


@admin.register(Contact)
class ContactAdmin(TenantAdmin):
    list_display = ("full_name", "kind", "client", "email")
    list_filter = ("kind",)
    search_fields = ("full_name", "email")
    raw_id_fields = ("client", "user")


@admin.register(Role)
class RoleAdmin(TenantAdmin):
    list_display = ("title", "client", "status", "priority", "created_at")
    list_filter = ("status", "priority")
    search_fields = ("title",)
    raw_id_fields = ("client", "hiring_manager", "hr_contact", "owner", "agreement")


@admin.register(Candidate)
class CandidateAdmin(TenantAdmin):
    list_display = ("full_name", "email", "current_title", "consent_to_represent")
    search_fields = ("full_name", "email")
    # The current consent follows the records (recruiting.services.consent_record).
    readonly_fields = (
        "consent_to_represent",
        "consent_recorded_at",
        "consent_to_store",
        "consent_requested_at",
    )


@admin.register(ConsentRecord)
class ConsentRecordAdmin(TenantAdmin):
    """Read-only: records are added through the services, never edited."""

    list_display = ("candidate", "purpose", "granted", "method", "effective_at")
    list_filter = ("purpose", "granted", "method")
    raw_id_fields = ("candidate", "recorded_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(TenantAdmin):
    """Read-mostly: stages move through the services, which keep clocks and history."""

    list_display = ("candidate", "role", "stage", "culture_status", "stage_changed_at")
    list_filter = ("stage", "culture_status")
    readonly_fields = ("stage", "stage_changed_at", "culture_status")
    raw_id_fields = ("role", "candidate", "client", "submitted_by")


@admin.register(SkillsReview, CultureApproval, InterviewFeedback)
class ReviewAdmin(TenantAdmin):
    list_display = ("submission", "created_at")
    raw_id_fields = ("submission",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False
