"""The clients' weekly reports: one row per client and week under a unique constraint
(the claim), row-level security like every tenant table, and the sweep's one read
across organizations, a SECURITY DEFINER function that returns identifiers only."""

import django.db.models.deletion
from django.db import migrations, models

from lib.row_level_security import EnableRowLevelSecurity

STALE = """CREATE FUNCTION rapport_stale_weekly_reports(enqueued_before timestamptz, max_rows integer)
   RETURNS TABLE (report_id bigint, organization_id uuid)
   LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
       SELECT r.id, r.organization_id FROM metrics_weeklyreport r
       WHERE r.status = 'pending'
         AND (r.enqueued_at IS NULL OR r.enqueued_at <= enqueued_before)
       ORDER BY r.enqueued_at NULLS FIRST
       LIMIT max_rows
   $$"""
SIGNATURE = "rapport_stale_weekly_reports(timestamptz, integer)"


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_api_keys_move_to_integrations"),
        ("metrics", "0001_initial"),
        ("recruiting", "0006_client_weekly_report"),
    ]

    operations = [
        migrations.CreateModel(
            name="WeeklyReport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("week", models.DateField()),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("sent", "Sent"), ("skipped", "Skipped")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("enqueued_at", models.DateTimeField(blank=True, null=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("recipients", models.PositiveSmallIntegerField(default=0)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
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
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "pending")),
                        fields=["enqueued_at"],
                        name="weekly_report_pending_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "client", "week"),
                        name="weekly_report_once_per_week",
                    )
                ],
            },
        ),
        EnableRowLevelSecurity("weeklyreport"),
        # The owner (who owns the function) may read the table across organizations;
        # the application role still may not.
        migrations.RunSQL(
            sql=[
                "CREATE POLICY owner_scan_weekly_reports ON metrics_weeklyreport "
                "FOR SELECT TO CURRENT_USER USING (true)",
                STALE,
                f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC",
            ],
            reverse_sql=[
                f"DROP FUNCTION {SIGNATURE}",
                "DROP POLICY owner_scan_weekly_reports ON metrics_weeklyreport",
            ],
        ),
    ]
