"""Base models: timestamps, and the tenant base every organization-owned model inherits."""

from django.db import models

from lib.tenancy import require_organization_id


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Scopes every query to the active organization and refuses to run without one.

    Row-level security would return zero rows without a context; failing loudly
    instead turns a forgotten context into a visible bug rather than an empty page.
    """

    def get_queryset(self) -> TenantQuerySet:
        return super().get_queryset().filter(organization_id=require_organization_id())


class TenantModel(TimeStampedModel):
    """A row owned by one organization (one agency).

    Every subclass's table gets row-level security from its migration
    (`lib.migrations.EnableRowLevelSecurity`); a test enumerates subclasses
    and fails for any table without it.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # indexed as the leading column of each subclass's composite indexes

    # Related-object access and cascades use Django's plain base manager, which
    # needs no context variable; row-level security still guards those queries.
    objects = TenantManager()

    class Meta:
        abstract = True
