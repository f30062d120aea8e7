"""API keys' optional limits: an expiry time and the networks that may use the key.

The table keeps its row-level security: new columns of an existing row are covered
by the row's policy.
"""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0002_operations_gauges"),
    ]

    operations = [
        migrations.AddField(
            model_name="apikey",
            name="allowed_networks",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=43), blank=True, default=list, size=None
            ),
        ),
        migrations.AddField(
            model_name="apikey",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
