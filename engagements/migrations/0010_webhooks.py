"""Outgoing webhooks: endpoints, deliveries (the outbox) and their attempts.

Row-level security on the three tables, and one narrow cross-organization path
for the sweep that re-enqueues due deliveries whose message was lost: a SECURITY
DEFINER function returning identifiers only (delivery id, organization id), as
for the nudge scan (0005). The attempt itself runs in the organization's context.
"""

import uuid

import django.contrib.postgres.fields
import django.contrib.postgres.functions
import django.db.models.deletion
from django.db import migrations, models

from lib.row_level_security import EnableRowLevelSecurity

FUNCTION = """CREATE FUNCTION rapport_due_webhook_deliveries(
        due_before timestamptz, enqueued_before timestamptz, max_rows integer)
    RETURNS TABLE (delivery_id bigint, organization_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT d.id, d.organization_id FROM engagements_webhookdelivery d
        WHERE d.status = 'pending' AND d.next_attempt_at <= due_before
          AND (d.enqueued_at IS NULL OR d.enqueued_at <= enqueued_before)
        ORDER BY d.next_attempt_at
        LIMIT max_rows
    $$"""
SIGNATURE = "rapport_due_webhook_deliveries(timestamptz, timestamptz, integer)"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api"),
        ("engagements", "0009_api"),
    ]

    operations = [
        migrations.CreateModel(
            name="WebhookEndpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                "ordering": ["-created_at"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                ("last_status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="engagements.activity",
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
                        to="engagements.webhookendpoint",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookAttempt",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
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
                        to="engagements.webhookdelivery",
                    ),
                ),
            ],
            options={
                "ordering": ["number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "delivery", "number"), name="webhook_attempt_once"
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
        EnableRowLevelSecurity("webhookendpoint"),
        EnableRowLevelSecurity("webhookdelivery"),
        EnableRowLevelSecurity("webhookattempt"),
        migrations.RunSQL(
            sql=[
                # The owner (who owns the function) may read deliveries across
                # organizations; the application role still may not.
                "CREATE POLICY owner_sweep_webhook_deliveries ON engagements_webhookdelivery "
                "FOR SELECT TO CURRENT_USER USING (true)",
                FUNCTION,
                # A generic plan follows the partial index and stops at the limit (0008).
                f"ALTER FUNCTION {SIGNATURE} SET plan_cache_mode = force_generic_plan",
                f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC",
            ],
            reverse_sql=[
                f"DROP FUNCTION {SIGNATURE}",
                "DROP POLICY owner_sweep_webhook_deliveries ON engagements_webhookdelivery",
            ],
        ),
    ]
