from django.db import migrations

from lib.row_level_security import EnableRowLevelSecurity


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0002_initial"),
    ]

    operations = [
        EnableRowLevelSecurity("responseclock"),
        EnableRowLevelSecurity("activity"),
        # The timeline is an audit log: rows are added, never rewritten.
        migrations.RunSQL(
            sql=[
                """CREATE FUNCTION engagements_activity_refuse_update() RETURNS trigger
                   LANGUAGE plpgsql AS $$
                   BEGIN
                       RAISE EXCEPTION 'activity entries are append-only';
                   END $$""",
                """CREATE TRIGGER activity_append_only BEFORE UPDATE ON engagements_activity
                   FOR EACH ROW EXECUTE FUNCTION engagements_activity_refuse_update()""",
            ],
            reverse_sql=[
                "DROP TRIGGER activity_append_only ON engagements_activity",
                "DROP FUNCTION engagements_activity_refuse_update()",
            ],
        ),
    ]
