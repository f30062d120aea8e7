"""Consent as records: `ConsentRecord`, one row per decision of a candidate about one
purpose, under row-level security; the candidate keeps the current state per purpose.

Candidates who had consented to be represented get the record of it, "recorded by a
recruiter (migrated)" at the time the flag was set (or when the candidate was added,
if that time was not kept), written one organization at a time in its context.
"""

import uuid

import django.contrib.postgres.functions
import django.db.models.deletion
from django.db import migrations, models

import lib.models
from lib.row_level_security import EnableRowLevelSecurity
from lib.tenancy import ORGANIZATION_SETTING


def record_existing_consent(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_organization")
        for (organization_id,) in cursor.fetchall():
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [ORGANIZATION_SETTING, str(organization_id)]
            )
            cursor.execute(
                """INSERT INTO recruiting_consentrecord
                       (created_at, updated_at, public_id, organization_id, candidate_id,
                        purpose, granted, method, effective_at, note, user_agent)
                   SELECT now(), now(), gen_random_uuid(), organization_id, id,
                          'represent', true, 'migrated',
                          COALESCE(consent_recorded_at, created_at), '', ''
                   FROM recruiting_candidate
                   WHERE organization_id = %s AND consent_to_represent""",
                [organization_id],
            )
            cursor.execute(
                """UPDATE recruiting_candidate
                   SET consent_recorded_at = created_at
                   WHERE organization_id = %s AND consent_to_represent
                     AND consent_recorded_at IS NULL""",
                [organization_id],
            )
        cursor.execute("SELECT set_config(%s, '', true)", [ORGANIZATION_SETTING])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_api_keys_move_to_integrations"),
        ("recruiting", "0011_candidate_search_custom_plan"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="consent_to_store",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="candidate",
            name="consent_requested_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.CreateModel(
            name="ConsentRecord",
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
                    "purpose",
                    models.CharField(
                        choices=[
                            ("represent", "To be represented to our clients for roles"),
                            ("store", "To be kept in our database of candidates"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "granted",
                    models.BooleanField(help_text="Consent given; false when it was withdrawn."),
                ),
                (
                    "method",
                    models.CharField(
                        choices=[
                            ("email", "Recorded by a recruiter, from an email"),
                            ("call", "Recorded by a recruiter, from a call"),
                            ("in_person", "Recorded by a recruiter, in person"),
                            ("link", "Given by the candidate, through their consent link"),
                            ("unstated", "Recorded by a recruiter"),
                            ("migrated", "Recorded by a recruiter (migrated)"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "effective_at",
                    models.DateTimeField(help_text="When the candidate gave or withdrew it."),
                ),
                ("note", lib.models.BoundedTextField(blank=True, max_length=1000)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=300)),
                (
                    "candidate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_records",
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
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="The member who recorded it; none when the candidate gave it themselves.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.membership",
                    ),
                ),
            ],
            options={
                "ordering": ["-effective_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["organization", "candidate", "purpose", "-effective_at", "-id"],
                        name="consent_org_cand_purpose_idx",
                    )
                ],
            },
        ),
        EnableRowLevelSecurity("consentrecord"),
        migrations.RunPython(record_existing_consent, migrations.RunPython.noop),
    ]
