"""Candidate exports: who asked for everything held about whom, and where its ZIP is;
row-level security like every tenant table."""

import uuid

import django.contrib.postgres.functions
import django.db.models.deletion
from django.db import migrations, models

from lib.row_level_security import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        ("accounts", "0006_api_keys_move_to_integrations"),
        ("recruiting", "0010_search_and_sorting"),
    ]

    operations = [
        migrations.CreateModel(
            name="CandidateExport",
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
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Being prepared"),
                            ("ready", "Ready to download"),
                            ("failed", "Failed"),
                            ("expired", "Expired"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("enqueued_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("file_path", models.CharField(blank=True, max_length=200)),
                ("file_size", models.PositiveBigIntegerField(blank=True, null=True)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.CharField(blank=True, max_length=300)),
                (
                    "candidate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.candidate",
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
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.membership",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["organization", "candidate", "-created_at"],
                        name="export_org_candidate_idx",
                    ),
                    models.Index(
                        fields=["organization", "-created_at"], name="export_org_created_idx"
                    ),
                    models.Index(
                        condition=models.Q(("state", "ready")),
                        fields=["organization", "expires_at"],
                        name="export_ready_expiry_idx",
                    ),
                ],
            },
        ),
        EnableRowLevelSecurity("candidateexport"),
    ]
