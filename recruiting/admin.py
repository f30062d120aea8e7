from django.contrib import admin

from lib.admin import TenantAdmin
from recruiting.models import (
    Candidate,
    Client,
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
