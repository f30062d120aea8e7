"""Each client opts in to (by default) or out of the weekly report."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recruiting", "0005_api_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="weekly_report",
            field=models.BooleanField(
                default=True,
                help_text="Mail the client's contacts a report of last week every Monday morning.",
            ),
        ),
    ]
