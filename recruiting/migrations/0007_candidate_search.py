"""The candidate search and the candidate lists' order.

Row-level security keeps the application role's quals that are not leakproof (such as
`LIKE`) out of index conditions, so a trigram index would never serve its search. As
for the nudge scan, a SECURITY DEFINER function reads the index instead and returns
identifiers only: those of the active organization's candidates whose name, email,
title or company contains the text, or with the text as a tag
(`recruiting.selectors.candidate_search`).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import (
    AddIndexConcurrently,
    RemoveIndexConcurrently,
    TrigramExtension,
)
from django.db import migrations, models

from lib.row_level_security import CURRENT_ORGANIZATION

# The searched text, in capitals; the function's condition repeats it exactly, so that
# PostgreSQL matches it to the index.
SEARCH_TEXT = "upper(full_name || ' ' || email || ' ' || current_title || ' ' || current_company)"

FUNCTION = f"""CREATE FUNCTION rapport_candidate_search(query text, max_rows integer)
    RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT id FROM recruiting_candidate
        WHERE organization_id = {CURRENT_ORGANIZATION}
          AND ({SEARCH_TEXT} LIKE '%' || replace(replace(replace(
                   upper(query), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
               OR tags @> ARRAY[query]::varchar[])
        LIMIT max_rows
    $$"""
SIGNATURE = "rapport_candidate_search(text, integer)"


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("recruiting", "0006_client_weekly_report"),
    ]

    operations = [
        TrigramExtension(),
        # The candidate list and the submission form's picker page by (name, id).
        AddIndexConcurrently(
            model_name="candidate",
            index=models.Index(
                fields=["organization", "full_name", "id"], name="candidate_org_name_id_idx"
            ),
        ),
        RemoveIndexConcurrently(model_name="candidate", name="candidate_org_name_idx"),
        AddIndexConcurrently(
            model_name="candidate",
            index=GinIndex(fields=["tags"], name="candidate_tags_idx"),
        ),
        migrations.RunSQL(
            sql=[
                "CREATE INDEX CONCURRENTLY candidate_search_trgm_idx ON recruiting_candidate "
                f"USING gin (({SEARCH_TEXT}) gin_trgm_ops)",
                # The owner, who owns the function, reads the table across organizations;
                # the function itself keeps to the active one.
                "CREATE POLICY owner_search_candidates ON recruiting_candidate "
                "FOR SELECT TO CURRENT_USER USING (true)",
                FUNCTION,
                f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC",
            ],
            reverse_sql=[
                f"DROP FUNCTION {SIGNATURE}",
                "DROP POLICY owner_search_candidates ON recruiting_candidate",
                "DROP INDEX CONCURRENTLY candidate_search_trgm_idx",
            ],
        ),
    ]
