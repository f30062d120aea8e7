from django.contrib import admin


class TenantAdmin(admin.ModelAdmin):
    """Admin for tenant rows: the manager scopes lists to the active organization,
    and new rows are created in it, never in an organization picked from a list."""

    exclude = ("organization",)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.organization_id = request.organization.pk
        super().save_model(request, obj, form, change)
