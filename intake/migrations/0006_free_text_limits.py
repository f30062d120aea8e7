# Free text gets its maximum length (lib.text): validated, refused on save, and no
# change to the tables, so rows written before keep their text.

from django.db import migrations

import lib.models


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0005_api_list_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agreementacknowledgement",
            name="comment",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="agreementcomment",
            name="body",
            field=lib.models.BoundedTextField(max_length=10000),
        ),
        migrations.AlterField(
            model_name="expectationagreement",
            name="market_notes",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="intakemeeting",
            name="notes",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
    ]
