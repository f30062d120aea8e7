from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("engagements", "0016_clock_client_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="responseclock",
            index=models.Index(
                fields=["organization", "client", "kind", "due_at", "id"],
                condition=models.Q(closed_at__isnull=True),
                name="clock_open_queue_idx",
            ),
        ),
    ]
