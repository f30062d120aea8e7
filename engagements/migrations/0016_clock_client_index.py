from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("engagements", "0015_action_link_without_nudge"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="responseclock",
            index=models.Index(
                fields=["organization", "client"],
                include=["outcome", "closed_at", "due_at"],
                name="clock_org_client_idx",
            ),
        ),
    ]
