"""Base models: timestamps, and the tenant base every organization-owned model inherits."""

import uuid

from django.contrib.postgres.functions import RandomUUID
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from lib.tenancy import require_organization_id
from lib.text import TEXT_MAX_LENGTH, too_long_message


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
    (`lib.row_level_security.EnableRowLevelSecurity`); a test enumerates subclasses
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


class PublicIdMixin(models.Model):
    """A random identifier for URLs and API payloads: ids leak nothing about volume.

    The database default gives rows that existed before a table gained the field
    an identifier of their own (the Python default is evaluated once per migration).
    """

    public_id = models.UUIDField(
        default=uuid.uuid4, db_default=RandomUUID(), unique=True, editable=False
    )

    class Meta:
        abstract = True


class ExternalReferenceMixin(models.Model):
    """Where an ATS-imported row came from: `(external_source, external_id)` is unique
    per organization, so an integration can upsert by its own identifiers."""

    external_source = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=120, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def external_reference_constraint(cls, name: str) -> models.UniqueConstraint:
        return models.UniqueConstraint(
            fields=["organization", "external_source", "external_id"],
            condition=~models.Q(external_id=""),
            name=name,
        )


class BoundedTextField(models.TextField):
    """Free text with a maximum length in characters (`lib.text`), which the model keeps.

    Like a `CharField`'s, the limit is validated by `full_clean`, offered to model forms
    and read by DRF's model serializers; and the field refuses to save a longer value
    (a `ValidationError` naming the field, which the pages and the API show as such),
    so no write path can skip it. It is not a CHECK in the database: a row written
    before its field had a limit keeps its text, readable and untouched until someone
    edits that field.
    """

    def __init__(self, *args, max_length: int = TEXT_MAX_LENGTH, **kwargs) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value is not None and len(value) > self.max_length:
            raise ValidationError({self.name: too_long_message(len(value), self.max_length)})
        return value
