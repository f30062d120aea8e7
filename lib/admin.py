from django.contrib import admin


class TenantAdmin(admin.ModelAdmin):
    """Admin for tenant rows: the manager scopes lists to the active organization,
    and new rows are created in it, never in an organization picked from a list."""

    exclude = ("organization",)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.organization_id = request.organization.pk
        super().save_model(request, obj, form, change)


class ReadOnlyTenantAdmin(TenantAdmin):
    """Rows that only services write (nudges, webhook deliveries): the admin lists and
    shows them, never edits."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
