from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("recruiting", "0007_candidate_search"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="submission",
            index=models.Index(
                fields=["organization", "updated_at", "id"],
                condition=models.Q(culture_status="changes_requested"),
                name="submission_changes_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="skillsreview",
            index=models.Index(
                fields=["organization", "submission"],
                condition=models.Q(decision="need_info"),
                name="review_need_info_idx",
            ),
        ),
    ]
