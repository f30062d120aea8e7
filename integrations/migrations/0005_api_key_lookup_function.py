"""An API key's lookup with its member, as a function whose plan PostgreSQL keeps.

Every API request finds its key by prefix, joined to its member, user, organization
and client (`ApiKey.by_prefix.get_with_member`). Sent as a statement, PostgreSQL
planned that five-table join, each table with its row-level security policy, for
every request: about 0.8 ms of the lookup's 1 ms. A PL/pgSQL function prepares its
statements once per connection and reuses the plan; the policies still apply (the
function runs as its caller, the application role, and reads the settings it makes
at execution). The settings are the ones the statement made: the prefix, which
makes that one key readable, then the key's organization, read through it, which
makes its member, user, organization and client readable. They are
transaction-local, so they end with the lookup's own transaction (autocommit).

The function returns whole rows of the five tables, so a column added to one of
them needs no new migration; the model code reads the columns it knows by name.
"""

from django.db import migrations

FUNCTION = """CREATE FUNCTION rapport_api_key_with_member(key_prefix text)
    RETURNS TABLE (
        "key" accounts_apikey,
        "membership" accounts_membership,
        "user" accounts_user,
        "organization" accounts_organization,
        "client" recruiting_client)
    LANGUAGE plpgsql VOLATILE SET search_path = public AS $$
    #variable_conflict use_column
    BEGIN
        PERFORM set_config('rapport.api_key_prefix', key_prefix, true);
        PERFORM set_config('rapport.organization_id', coalesce(
            (SELECT k.organization_id::text FROM accounts_apikey k WHERE k.prefix = key_prefix),
            ''), true);
        RETURN QUERY
            SELECT k, m, u, o, c
            FROM accounts_apikey k
            JOIN accounts_membership m ON m.id = k.membership_id
            JOIN accounts_user u ON u.id = m.user_id
            JOIN accounts_organization o ON o.id = m.organization_id
            LEFT JOIN recruiting_client c ON c.id = m.client_id
            WHERE k.prefix = key_prefix AND u.is_active;
    END
    $$"""
SIGNATURE = "rapport_api_key_with_member(text)"


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0004_api_key_admin_scope"),
        ("accounts", "0008_security_policies"),
        ("recruiting", "0012_consent_records"),
    ]

    operations = [
        migrations.RunSQL(
            # EXECUTE is the application role's only (lib/db_roles.py grants it).
            sql=[FUNCTION, f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC"],
            reverse_sql=[f"DROP FUNCTION {SIGNATURE}"],
        ),
    ]
