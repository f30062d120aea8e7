# Free text gets its maximum length (lib.text): validated, refused on save, and no
# change to the tables, so rows written before keep their text.

from django.db import migrations

import lib.models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0017_clock_queue_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="checkin",
            name="notes",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
    ]
