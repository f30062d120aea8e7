"""Row-level security for the nudge tables, and the narrow cross-organization paths
the scanner and the sweeper need.

The scan must find due clocks in every organization before it can enter any
organization's context. Rather than a bypass, two SECURITY DEFINER functions
return only identifiers (clock or nudge id, organization id) of the rows due;
the work itself then runs inside each organization's context. The functions run
as the owner role, which a role-specific policy lets read those two tables.
"""

from django.db import migrations

from lib.row_level_security import EnableRowLevelSecurity

FUNCTIONS = [
    """CREATE FUNCTION rapport_due_nudges(as_of timestamptz, max_rows integer)
       RETURNS TABLE (clock_id bigint, organization_id uuid)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
           SELECT c.id, c.organization_id FROM engagements_responseclock c
           WHERE c.closed_at IS NULL AND c.next_nudge_at <= as_of
           ORDER BY c.next_nudge_at
           LIMIT max_rows
       $$""",
    """CREATE FUNCTION rapport_stale_nudges(enqueued_before timestamptz, max_rows integer)
       RETURNS TABLE (nudge_id bigint, organization_id uuid)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
           SELECT n.id, n.organization_id FROM engagements_nudge n
           WHERE n.status = 'pending'
             AND (n.enqueued_at IS NULL OR n.enqueued_at <= enqueued_before)
           ORDER BY n.enqueued_at NULLS FIRST
           LIMIT max_rows
       $$""",
    """CREATE FUNCTION rapport_organization_ids()
       RETURNS SETOF uuid
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
           SELECT id FROM accounts_organization ORDER BY id
       $$""",
]
SIGNATURES = [
    "rapport_due_nudges(timestamptz, integer)",
    "rapport_stale_nudges(timestamptz, integer)",
    "rapport_organization_ids()",
]
# The owner (who runs migrations and owns the functions) may read these tables
# across organizations; the application role still may not.
OWNER_READ = {
    "engagements_responseclock": "owner_scan_clocks",
    "engagements_nudge": "owner_scan_nudges",
    "accounts_organization": "owner_list_organizations",
}


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0004_nudges"),
        ("accounts", "0003_membership_last_active_at"),
    ]

    operations = [
        EnableRowLevelSecurity("nudgepolicy"),
        EnableRowLevelSecurity("nudge"),
        EnableRowLevelSecurity("nudgedelivery"),
        EnableRowLevelSecurity("notification"),
        # A one-click link's token reveals that one link (engagements.views.action_link).
        EnableRowLevelSecurity(
            "actionlink",
            read_also="token_hash = NULLIF(current_setting('rapport.action_token_hash', true), '')",
        ),
        EnableRowLevelSecurity("digestlog"),
        migrations.RunSQL(
            sql=[
                *(
                    f"CREATE POLICY {policy} ON {table} FOR SELECT TO CURRENT_USER USING (true)"
                    for table, policy in OWNER_READ.items()
                ),
                *FUNCTIONS,
                *(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC" for signature in SIGNATURES),
            ],
            reverse_sql=[
                *(f"DROP FUNCTION {signature}" for signature in SIGNATURES),
                *(f"DROP POLICY {policy} ON {table}" for table, policy in OWNER_READ.items()),
            ],
        ),
    ]
