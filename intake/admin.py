from django.contrib import admin

from intake.models import (
    AgreementAcknowledgement,
    AgreementComment,
    ExpectationAgreement,
    IntakeAttendance,
    IntakeMeeting,
)
from lib.admin import TenantAdmin


@admin.register(IntakeMeeting)
class IntakeMeetingAdmin(TenantAdmin):
    list_display = ("role", "held_at", "recruiter")
    raw_id_fields = ("role", "recruiter")


@admin.register(ExpectationAgreement)
class ExpectationAgreementAdmin(TenantAdmin):
    """Versions are immutable once proposed: the admin shows them, it does not edit them."""

    list_display = ("role", "version", "status", "agreed_at")
    list_filter = ("status",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgreementAcknowledgement, AgreementComment, IntakeAttendance)
class AgreementDetailAdmin(TenantAdmin):
    list_display = ("__str__", "created_at")

    def has_change_permission(self, request, obj=None) -> bool:
        return False
