"""Why a nudge was skipped: the client answered first, or a higher level was due as
well and only that one was sent (the scan's catch-up). Nudges skipped before were
skipped because the client answered.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0018_free_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="nudge",
            name="skip_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("answered", "The client answered before it was sent"),
                    ("passed_over", "A higher level was due as well: only that one was sent"),
                ],
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="nudge",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Claimed, not delivered yet"),
                    ("delivered", "Delivered"),
                    ("skipped", "Skipped: not sent"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.RunSQL(
            sql="UPDATE engagements_nudge SET skip_reason = 'answered' "
            "WHERE status = 'skipped' AND skip_reason = ''",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
