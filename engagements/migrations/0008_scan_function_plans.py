"""Give the scan functions a generic plan.

Inside a SQL function the parameters are not constants; PostgreSQL 18 may pick
a custom plan that reads every due row for each batch. A generic plan uses the
partial index's order and stops at the batch limit (docs/performance.md).
"""

from django.db import migrations

FUNCTIONS = [
    "rapport_due_nudges(timestamptz, integer)",
    "rapport_stale_nudges(timestamptz, integer)",
]


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0007_clock_outcome"),
    ]

    operations = [
        migrations.RunSQL(
            sql=[
                f"ALTER FUNCTION {function} SET plan_cache_mode = force_generic_plan"
                for function in FUNCTIONS
            ],
            reverse_sql=[
                f"ALTER FUNCTION {function} RESET plan_cache_mode" for function in FUNCTIONS
            ],
        ),
    ]
