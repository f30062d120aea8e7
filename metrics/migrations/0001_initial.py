"""The metrics rollups, each with row-level security like every tenant table."""

import django.db.models.deletion
from django.db import migrations, models

from lib.row_level_security import EnableRowLevelSecurity


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0005_api"),
        ("engagements", "0014_clock_contact"),
        ("recruiting", "0005_api_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClockRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("owed_by", models.CharField(max_length=20)),
                ("day", models.DateField()),
                ("open", models.IntegerField(default=0)),
                ("on_time", models.IntegerField(default=0)),
                ("late", models.IntegerField(default=0)),
                ("missed", models.IntegerField(default=0)),
                ("cancelled", models.IntegerField(default=0)),
                ("late_seconds", models.BigIntegerField(default=0)),
                ("late_credit", models.BigIntegerField(default=0)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.contact",
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
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "client", "day"], name="metrics_clock_client_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "day", "client", "role", "contact", "owed_by"),
                        name="metrics_clock_grain",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DelayLoss",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("owed_by", models.CharField(max_length=20)),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("overdue", "Left while a client answer was overdue"),
                            ("late_answer", "Left within 7 days of a late answer"),
                        ],
                        max_length=12,
                    ),
                ),
                ("stage", models.CharField(max_length=20)),
                ("lost_at", models.DateTimeField()),
                ("day", models.DateField()),
                ("business_seconds_late", models.BigIntegerField()),
                ("seconds_late", models.BigIntegerField()),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "clock",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="engagements.responseclock",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.contact",
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
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.submission",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "-lost_at", "-id"], name="metrics_delay_lost_idx"
                    ),
                    models.Index(
                        fields=["organization", "client", "-lost_at"],
                        name="metrics_delay_client_idx",
                    ),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "submission"), name="metrics_delay_loss_once"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DurationRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("day", models.DateField()),
                (
                    "measure",
                    models.CharField(
                        choices=[
                            ("lateness", "Lateness of late answers, business hours"),
                            ("feedback_bh", "Time to first feedback, business hours"),
                            ("feedback_h", "Time to first feedback, calendar hours"),
                            ("hire_days", "Time to hire, days"),
                        ],
                        max_length=12,
                    ),
                ),
                ("bucket", models.SmallIntegerField()),
                ("n", models.IntegerField(default=0)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.contact",
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
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "client", "day"], name="metrics_duration_client_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "organization",
                            "day",
                            "client",
                            "role",
                            "contact",
                            "measure",
                            "bucket",
                        ),
                        name="metrics_duration_grain",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="FeedbackRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("day", models.DateField()),
                ("answered", models.IntegerField(default=0)),
                ("business_seconds", models.BigIntegerField(default=0)),
                ("calendar_seconds", models.BigIntegerField(default=0)),
                (
                    "client",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.client",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.contact",
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
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "client", "day"], name="metrics_feedback_client_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "day", "client", "role", "contact"),
                        name="metrics_feedback_grain",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RoleRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("day", models.DateField()),
                ("hired", models.IntegerField(default=0)),
                ("hire_seconds", models.BigIntegerField(default=0)),
                ("left_submitted", models.IntegerField(default=0)),
                ("submitted_seconds", models.BigIntegerField(default=0)),
                ("left_hm_review", models.IntegerField(default=0)),
                ("hm_review_seconds", models.BigIntegerField(default=0)),
                ("left_interviewing", models.IntegerField(default=0)),
                ("interviewing_seconds", models.BigIntegerField(default=0)),
                ("left_offer", models.IntegerField(default=0)),
                ("offer_seconds", models.BigIntegerField(default=0)),
                ("lost", models.IntegerField(default=0)),
                ("withdrawn", models.IntegerField(default=0)),
                ("checkins", models.IntegerField(default=0)),
                ("first_submissions", models.IntegerField(default=0)),
                ("intake_to_submit_seconds", models.BigIntegerField(default=0)),
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
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "client", "day"], name="metrics_role_client_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "day", "client", "role"),
                        name="metrics_role_grain",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="SubmissionRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("day", models.DateField()),
                ("submitted", models.IntegerField(default=0)),
                ("reached_interviewing", models.IntegerField(default=0)),
                ("reached_offer", models.IntegerField(default=0)),
                ("reached_hired", models.IntegerField(default=0)),
                ("rejected", models.IntegerField(default=0)),
                ("withdrawn", models.IntegerField(default=0)),
                ("lost", models.IntegerField(default=0)),
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
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "client", "day"],
                        name="metrics_submission_client_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "day", "client", "role"),
                        name="metrics_submission_grain",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="TargetPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField(null=True)),
                ("submissions_per_week", models.PositiveSmallIntegerField()),
                ("checkin_cadence", models.CharField(max_length=12)),
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
                (
                    "role",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="recruiting.role",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["organization", "client", "starts_on"], name="metrics_target_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("organization", "role", "starts_on"),
                        name="metrics_target_once_a_week",
                    )
                ],
            },
        ),
        EnableRowLevelSecurity("clockrollup"),
        EnableRowLevelSecurity("delayloss"),
        EnableRowLevelSecurity("durationrollup"),
        EnableRowLevelSecurity("feedbackrollup"),
        EnableRowLevelSecurity("rolerollup"),
        EnableRowLevelSecurity("submissionrollup"),
        EnableRowLevelSecurity("targetperiod"),
    ]
