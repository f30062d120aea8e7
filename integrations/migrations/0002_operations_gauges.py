"""The operator's gauges (/metrics): how much outbox work waits, and since when.

Prometheus reads them across every organization, before any tenant context, so
they come from a SECURITY DEFINER function like the scans' (engagements 0005,
0010): it returns counts and ages only, never a row or an organization, so the
application role learns nothing about any one tenant from it. Each count stops
at a cap, so a scrape costs the same with a backlog of a hundred or a million
(the partial indexes of the scans serve every query here).
"""

from django.db import migrations

FUNCTION = """CREATE FUNCTION rapport_operations_gauges(as_of timestamptz, cap integer)
    RETURNS TABLE (
        nudges_due bigint, nudges_due_oldest timestamptz,
        nudges_unsent bigint, nudges_unsent_oldest timestamptz,
        webhooks_due bigint, webhooks_due_oldest timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT
            (SELECT count(*) FROM (SELECT 1 FROM engagements_responseclock c
                WHERE c.closed_at IS NULL AND c.next_nudge_at <= as_of LIMIT cap) due),
            (SELECT min(c.next_nudge_at) FROM engagements_responseclock c
                WHERE c.closed_at IS NULL AND c.next_nudge_at <= as_of),
            (SELECT count(*) FROM (SELECT 1 FROM engagements_nudge n
                WHERE n.status = 'pending' LIMIT cap) unsent),
            (SELECT min(n.created_at) FROM engagements_nudge n WHERE n.status = 'pending'),
            (SELECT count(*) FROM (SELECT 1 FROM engagements_webhookdelivery d
                WHERE d.status = 'pending' AND d.next_attempt_at <= as_of LIMIT cap) due),
            (SELECT min(d.next_attempt_at) FROM engagements_webhookdelivery d
                WHERE d.status = 'pending' AND d.next_attempt_at <= as_of)
    $$"""
SIGNATURE = "rapport_operations_gauges(timestamptz, integer)"


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_initial"),
        ("engagements", "0017_clock_queue_index"),
    ]

    operations = [
        migrations.RunSQL(
            # The owner's read policies on the three tables exist (engagements 0005,
            # 0010); EXECUTE is the application role's only (lib/db_roles.py grants it).
            sql=[FUNCTION, f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC"],
            reverse_sql=[f"DROP FUNCTION {SIGNATURE}"],
        ),
    ]
