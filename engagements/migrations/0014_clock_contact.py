"""Each response clock names the client's contact who owes it (the metrics count per
contact); clocks opened before are given their role's contact of the same side."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0013_webhooks_move_to_integrations"),
        ("recruiting", "0005_api_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="responseclock",
            name="contact",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="recruiting.contact",
            ),
        ),
        migrations.RunSQL(
            sql="UPDATE engagements_responseclock AS c SET contact_id = CASE c.owed_by "
            "WHEN 'hr' THEN r.hr_contact_id ELSE r.hiring_manager_id END "
            "FROM recruiting_role AS r WHERE r.id = c.role_id AND c.contact_id IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
