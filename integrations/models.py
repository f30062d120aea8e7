"""Integrations: API keys, idempotency keys and outgoing webhooks.

The tables were made by the accounts and engagements apps and keep their names
(`Meta.db_table`), with their row-level security, indexes and functions: the models
moved here without a row being copied (migrations/0001_initial.py).
"""

import functools
import ipaddress
import uuid
from datetime import datetime

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models

from accounts.models import Membership
from lib.models import PublicIdMixin, TenantModel

# --- API keys and idempotency keys (docs/api.md) ---------------------------------------


class ApiKeyScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"
    # The security log (`/api/v1/audit-events/`) only, for a SIEM; keys acting as an
    # owner or admin. It grants neither read nor write on anything else.
    ADMIN = "admin", "Admin"


MAX_NETWORK_LENGTH = 43  # the longest IPv6 network written out: 39 characters and "/128"


class ApiKeyLookup(models.Manager):
    """Finds a key by the prefix it was presented with, before any organization is active.

    Row-level security lets a row through when its `prefix` equals the
    transaction's `rapport.api_key_prefix` setting: the prefix names one key
    and reveals nothing else; the caller still compares the secret's hash.
    """

    def get_with_member(self, prefix: str) -> "ApiKey | None":
        """The key and the member it acts as (with their user, organization and client),
        or None, in one statement: every API request pays for it.

        The statement calls `rapport_api_key_with_member` (migration 0005), which sets,
        in the statement's own transaction, the prefix, which makes the key readable,
        then the key's organization, read through that prefix, which makes its member,
        organization and client readable as inside that organization's context; then
        returns the five rows joined. The settings end with the statement's transaction
        (in autocommit; inside a transaction, every later statement asserts its own
        tenant context). A function, because PostgreSQL keeps a function's plan for the
        connection: planning the join with its five row-level security policies was
        most of the lookup's time as a plain statement (docs/performance.md). The
        columns are read by name from the models, and the rows made into models here:
        the ORM's building of the same join for every request cost as much as
        PostgreSQL's answer.
        """
        sql, tables = _key_with_member_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [prefix])
            row = cursor.fetchone()
        if row is None:
            return None
        loaded = {}
        start = 0
        for name, model in tables.items():
            width = len(model._meta.concrete_fields)
            loaded[name] = _from_row(model, row[start : start + width])
            start += width
        membership = loaded["membership"]
        membership.user = loaded["user"]
        membership.organization = loaded["organization"]
        membership.client = loaded["client"]
        api_key = loaded["key"]
        api_key.membership = membership
        return api_key


@functools.cache
def _key_with_member_sql() -> tuple[str, dict]:
    """The lookup's SQL, its columns from the models' fields, and the models in the order
    of its columns: each of the function's five columns is a whole row of the model's
    table, named as here."""
    tables = {
        "key": ApiKey,
        "membership": Membership,
        "user": Membership._meta.get_field("user").related_model,
        "organization": Membership._meta.get_field("organization").related_model,
        "client": Membership._meta.get_field("client").related_model,
    }
    columns = ", ".join(
        f'("found"."{name}")."{field.column}"'
        for name, model in tables.items()
        for field in model._meta.concrete_fields
    )
    # Names from the models' metadata; the prefix is a parameter.
    sql = f'SELECT {columns} FROM rapport_api_key_with_member(%s) AS "found"'  # noqa: S608
    return sql, tables


def _from_row(model, values):
    """A model from its columns of the row (None for a left join's missing row), each
    value converted as the ORM would (`from_db_value`)."""
    if values[0] is None:
        return None
    fields = model._meta.concrete_fields
    converted = [
        field.from_db_value(value, None, connection) if hasattr(field, "from_db_value") else value
        for field, value in zip(fields, values, strict=True)
    ]
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


class ApiKey(TenantModel):
    """A per-organization credential for integrations, acting as one member.

    The key itself is shown once; only its SHA-256 is stored (a random 256-bit
    secret needs no slow hash). The member it acts as bounds what it may do:
    the permission matrix and client scoping apply exactly as for that person.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=10, choices=ApiKeyScope.choices))
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_keys")
    created_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Optional limits chosen at creation: the moment the key stops working, and the
    # networks (CIDR, IPv4 or IPv6, normalized; an address is a /32 or /128) that may
    # use it. An empty list admits any address.
    expires_at = models.DateTimeField(null=True, blank=True)
    allowed_networks = ArrayField(
        models.CharField(max_length=MAX_NETWORK_LENGTH), default=list, blank=True
    )

    by_prefix = ApiKeyLookup()

    class Meta:
        db_table = "accounts_apikey"  # made by the accounts app, before this app existed
        default_manager_name = "objects"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="apikey_org_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def admits(self, address: str | None) -> bool:
        """Whether a request from `address` may use the key: any address when the key
        has no allow-list; otherwise one inside a listed network (None, an address that
        cannot be told, is inside none)."""
        if not self.allowed_networks:
            return True
        if address is None:
            return False
        try:
            client = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped:
            client = client.ipv4_mapped
        return any(client in ipaddress.ip_network(network) for network in self.allowed_networks)

    @property
    def is_admin_scoped(self) -> bool:
        return ApiKeyScope.ADMIN in self.scopes

    def allows(self, *, write: bool) -> bool:
        """Write implies read: an integration that writes also reads back what it wrote."""
        if write:
            return ApiKeyScope.WRITE in self.scopes
        return bool(set(self.scopes) & {ApiKeyScope.READ, ApiKeyScope.WRITE})


class IdempotencyRecord(TenantModel):
    """The stored response to a POST sent with an `Idempotency-Key`, kept 24 hours.

    A retry with the same key and the same request gets this response again
    instead of doing the work twice; the same key with another request is refused.
    """

    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_content_type = models.CharField(max_length=100)
    response_body = models.TextField()

    class Meta:
        db_table = "accounts_idempotencyrecord"  # made by the accounts app
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="idempotency_key_per_org"),
        ]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="idempotency_org_created_idx"),
        ]


# --- Outgoing webhooks (docs/api.md) --------------------------------------------------


class WebhookEndpoint(PublicIdMixin, TenantModel):
    """A URL of the agency's that receives the events it subscribed to, signed per
    Standard Webhooks with its own secret."""

    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = ArrayField(models.CharField(max_length=60))
    # `whsec_` + base64 of 32 random bytes. The worker signs with it, so it is kept
    # readable rather than hashed: it is shown once (at creation and at rotation), never
    # again by a page, the API or the admin, and only this organization's context can
    # read the row (row-level security). It grants nothing in Rapport: it only lets a
    # receiver tell our requests from forgeries.
    secret = models.CharField(max_length=100)
    # After a rotation the previous secret also signs until this time, so receivers
    # can switch without rejecting anything (Standard Webhooks allows several signatures).
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    # The first failed attempt since the last success; cleared by a success. An endpoint
    # failing for WEBHOOK_DISABLE_AFTER_DAYS is disabled and its admins told.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        "accounts.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "engagements_webhookendpoint"  # made by the engagements app
        ordering = ["-created_at"]
        indexes = [
            # Every activity looks up the enabled endpoints subscribed to its verb.
            models.Index(
                fields=["organization"],
                condition=models.Q(enabled=True),
                name="webhook_endpoint_enabled_idx",
            ),
            models.Index(fields=["organization", "-created_at"], name="webhook_endpoint_org_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    def signing_secrets(self, *, now) -> list[str]:
        """The secrets that sign a request now: the current one, and the previous one
        during the grace period after a rotation."""
        secrets = [self.secret]
        if (
            self.previous_secret
            and self.previous_secret_expires_at
            and (now < self.previous_secret_expires_at)
        ):
            secrets.append(self.previous_secret)
        return secrets


class WebhookDeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(PublicIdMixin, TenantModel):
    """One event for one endpoint: the outbox row and its delivery state.

    Written in the same transaction as the activity it carries, so an event is never
    lost to a broker outage. Its public id is the `webhook-id` header of every attempt,
    retries and replays included, so receivers can ignore a duplicate.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    activity = models.ForeignKey("activity.Activity", on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=60)
    # The exact JSON sent: every attempt sends the same bytes, signed anew.
    body = models.TextField()
    status = models.CharField(
        max_length=10,
        choices=WebhookDeliveryStatus.choices,
        default=WebhookDeliveryStatus.PENDING,
    )
    attempt_count = models.PositiveSmallIntegerField(default=0)
    # When the next attempt is due; while an attempt runs, when it counts as abandoned.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a message for it was last handed to the broker (the sweep's bookkeeping).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # An admin asked for the next attempt (a replay): one attempt, no retries after it.
    manual_attempt = models.BooleanField(default=False)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "engagements_webhookdelivery"  # made by the engagements app
        ordering = ["-created_at", "-id"]
        indexes = [
            # The API's delivery list (every endpoint's), newest first: its cursor
            # pages by created_at.
            models.Index(
                fields=["organization", "-created_at"], name="webhook_delivery_created_idx"
            ),
            # An endpoint's delivery log, newest first.
            models.Index(
                fields=["organization", "endpoint", "-created_at"],
                name="webhook_delivery_endpoint_idx",
            ),
            # The sweep (`rapport_due_webhook_deliveries`): pending deliveries whose
            # attempt is due, across organizations, soonest first. Not led by
            # organization_id because the sweep is the one query that spans tenants.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due_idx",
            ),
        ]
        constraints = [
            # Fan-out is idempotent: one delivery per (endpoint, activity).
            models.UniqueConstraint(
                fields=["organization", "endpoint", "activity"],
                name="webhook_delivery_once_per_event",
            ),
        ]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id}"


class WebhookAttempt(TenantModel):
    """One HTTP request of a delivery, recorded before it is sent and completed after.

    The unique number per delivery is the claim: two workers holding the same
    message cannot both make attempt 3.
    """

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    manual = models.BooleanField(default=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    succeeded = models.BooleanField(default=False)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "engagements_webhookattempt"  # made by the engagements app
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "delivery", "number"], name="webhook_attempt_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of delivery {self.delivery_id}"
