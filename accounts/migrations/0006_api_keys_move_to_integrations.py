from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api"),
        ("integrations", "0001_initial"),
    ]

    # API keys and idempotency records moved to the integrations app with their tables
    # unchanged: state only.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ApiKey"),
                migrations.DeleteModel(name="IdempotencyRecord"),
            ],
        ),
    ]
