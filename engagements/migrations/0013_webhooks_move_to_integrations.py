from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0012_activity_moves_to_its_own_app"),
        ("integrations", "0001_initial"),
    ]

    # The webhook models moved to the integrations app with their tables, indexes,
    # row-level security and the sweep's function unchanged: state only.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="WebhookAttempt"),
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookEndpoint"),
            ],
        ),
    ]
