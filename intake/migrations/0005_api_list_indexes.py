from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the table keeps taking writes meanwhile.
    atomic = False

    dependencies = [
        ("intake", "0004_api"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="expectationagreement",
            index=models.Index(
                fields=["organization", "-created_at"], name="agreement_org_created_idx"
            ),
        ),
    ]
