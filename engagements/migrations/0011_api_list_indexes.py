from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("engagements", "0010_webhooks"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="activity",
            index=models.Index(
                fields=["organization", "-created_at"], name="activity_org_created_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="activity",
            index=models.Index(
                fields=["organization", "verb", "-created_at"], name="activity_org_verb_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="responseclock",
            index=models.Index(
                fields=["organization", "-created_at"], name="clock_org_created_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="nudge",
            index=models.Index(
                fields=["organization", "-created_at"], name="nudge_org_created_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="webhookdelivery",
            index=models.Index(
                fields=["organization", "-created_at"], name="webhook_delivery_created_idx"
            ),
        ),
    ]
