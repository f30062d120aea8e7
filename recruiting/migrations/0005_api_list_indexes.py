from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("recruiting", "0004_api_list_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="role",
            index=models.Index(fields=["organization", "-created_at"], name="role_org_created_idx"),
        ),
    ]
