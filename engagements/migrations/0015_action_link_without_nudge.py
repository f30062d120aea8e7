"""A one-click link may come from a weekly report rather than a nudge."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0014_clock_contact"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actionlink",
            name="nudge",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="links",
                to="engagements.nudge",
            ),
        ),
    ]
