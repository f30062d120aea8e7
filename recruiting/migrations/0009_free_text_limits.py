# Free text gets its maximum length (lib.text): validated, refused on save, and no
# change to the tables, so rows written before keep their text.

from django.db import migrations

import lib.models


class Migration(migrations.Migration):
    dependencies = [
        ("recruiting", "0008_home_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="candidate",
            name="internal_notes",
            field=lib.models.BoundedTextField(
                blank=True,
                help_text="Recruiters only: never shown to client users.",
                max_length=10000,
            ),
        ),
        migrations.AlterField(
            model_name="client",
            name="notes",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="cultureapproval",
            name="comment",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="cultureapproval",
            name="reviewed_notes",
            field=lib.models.BoundedTextField(
                help_text="The notes as they stood when reviewed.", max_length=10000
            ),
        ),
        migrations.AlterField(
            model_name="interviewfeedback",
            name="comment",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="role",
            name="description",
            field=lib.models.BoundedTextField(blank=True, max_length=20000),
        ),
        migrations.AlterField(
            model_name="skillsreview",
            name="comment",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="submission",
            name="closing_note",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="submission",
            name="culture_fit_notes",
            field=lib.models.BoundedTextField(blank=True, max_length=10000),
        ),
        migrations.AlterField(
            model_name="submission",
            name="pitch",
            field=lib.models.BoundedTextField(max_length=10000),
        ),
    ]
