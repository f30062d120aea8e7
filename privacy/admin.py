from django.contrib import admin

from lib.admin import ReadOnlyTenantAdmin
from privacy.models import CandidateExport


@admin.register(CandidateExport)
class CandidateExportAdmin(ReadOnlyTenantAdmin):
    """Listed for support: who asked for whose export, and what became of it. Exports
    are asked for and downloaded on the candidate's export page, never here."""

    list_display = ("candidate", "requested_by", "state", "created_at", "expires_at")
    list_filter = ("state",)
    raw_id_fields = ("candidate", "requested_by")
