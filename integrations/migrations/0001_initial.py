"""API keys, idempotency keys and webhooks move here from accounts and engagements.

The tables, their indexes, constraints, row-level security and the sweep's function
were made by accounts/migrations/0005_api.py and engagements/migrations/0010_webhooks.py
(and 0011's index); they keep their names (`db_table`). This only tells Django that the
models now live here: no row is copied and nothing in the database changes.
"""

import uuid

import django.contrib.postgres.fields
import django.contrib.postgres.functions
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0005_api"),
        ("activity", "0001_initial"),
        ("engagements", "0012_activity_moves_to_its_own_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WebhookEndpoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "public_id",
                            models.UUIDField(
                                db_default=django.contrib.postgres.functions.RandomUUID(),
                                default=uuid.uuid4,
                                editable=False,
                                unique=True,
                            ),
                        ),
                        ("url", models.URLField(max_length=2000)),
                        ("description", models.CharField(blank=True, max_length=200)),
                        (
                            "event_types",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(max_length=60), size=None
                            ),
                        ),
                        ("secret", models.CharField(max_length=100)),
                        ("previous_secret", models.CharField(blank=True, max_length=100)),
                        ("previous_secret_expires_at", models.DateTimeField(blank=True, null=True)),
                        ("enabled", models.BooleanField(default=True)),
                        ("failing_since", models.DateTimeField(blank=True, null=True)),
                        ("disabled_reason", models.CharField(blank=True, max_length=300)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="accounts.membership",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "engagements_webhookendpoint",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookDelivery",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "public_id",
                            models.UUIDField(
                                db_default=django.contrib.postgres.functions.RandomUUID(),
                                default=uuid.uuid4,
                                editable=False,
                                unique=True,
                            ),
                        ),
                        ("event_type", models.CharField(max_length=60)),
                        ("body", models.TextField()),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("succeeded", "Delivered"),
                                    ("failed", "Failed"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("attempt_count", models.PositiveSmallIntegerField(default=0)),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True)),
                        ("enqueued_at", models.DateTimeField(blank=True, null=True)),
                        ("manual_attempt", models.BooleanField(default=False)),
                        (
                            "last_status_code",
                            models.PositiveSmallIntegerField(blank=True, null=True),
                        ),
                        ("delivered_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "activity",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="activity.activity",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                        (
                            "endpoint",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to="integrations.webhookendpoint",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "webhook deliveries",
                        "db_table": "engagements_webhookdelivery",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="ApiKey",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("name", models.CharField(max_length=80)),
                        ("prefix", models.CharField(max_length=16, unique=True)),
                        ("key_hash", models.CharField(max_length=64)),
                        (
                            "scopes",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.CharField(
                                    choices=[("read", "Read"), ("write", "Write")], max_length=10
                                ),
                                size=None,
                            ),
                        ),
                        ("last_used_at", models.DateTimeField(blank=True, null=True)),
                        ("revoked_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="accounts.membership",
                            ),
                        ),
                        (
                            "membership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="api_keys",
                                to="accounts.membership",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_apikey",
                        "ordering": ["-created_at"],
                        "default_manager_name": "objects",
                        "indexes": [
                            models.Index(
                                fields=["organization", "-created_at"],
                                name="apikey_org_created_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("key", models.CharField(max_length=255)),
                        ("request_fingerprint", models.CharField(max_length=64)),
                        ("response_status", models.PositiveSmallIntegerField()),
                        ("response_content_type", models.CharField(max_length=100)),
                        ("response_body", models.TextField()),
                        (
                            "organization",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_idempotencyrecord",
                        "indexes": [
                            models.Index(
                                fields=["organization", "created_at"],
                                name="idempotency_org_created_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organization", "key"), name="idempotency_key_per_org"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookAttempt",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("number", models.PositiveSmallIntegerField()),
                        ("manual", models.BooleanField(default=False)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("succeeded", models.BooleanField(default=False)),
                        ("duration_ms", models.PositiveIntegerField(blank=True, null=True)),
                        ("response_excerpt", models.TextField(blank=True)),
                        ("error", models.CharField(blank=True, max_length=300)),
                        (
                            "organization",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="accounts.organization",
                            ),
                        ),
                        (
                            "delivery",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="attempts",
                                to="integrations.webhookdelivery",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "engagements_webhookattempt",
                        "ordering": ["number"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("organization", "delivery", "number"),
                                name="webhook_attempt_once",
                            )
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="webhookendpoint",
                    index=models.Index(
                        condition=models.Q(("enabled", True)),
                        fields=["organization"],
                        name="webhook_endpoint_enabled_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookendpoint",
                    index=models.Index(
                        fields=["organization", "-created_at"], name="webhook_endpoint_org_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookdelivery",
                    index=models.Index(
                        fields=["organization", "-created_at"], name="webhook_delivery_created_idx"
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookdelivery",
                    index=models.Index(
                        fields=["organization", "endpoint", "-created_at"],
                        name="webhook_delivery_endpoint_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="webhookdelivery",
                    index=models.Index(
                        condition=models.Q(("status", "pending")),
                        fields=["next_attempt_at"],
                        name="webhook_delivery_due_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="webhookdelivery",
                    constraint=models.UniqueConstraint(
                        fields=("organization", "endpoint", "activity"),
                        name="webhook_delivery_once_per_event",
                    ),
                ),
            ],
        ),
    ]
