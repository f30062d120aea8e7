"""The header's search over candidates, roles, clients and contacts, and the indexes the
sortable, filterable lists page along.

Search (`recruiting.search`): each kind has a full-text index (the `simple`
configuration: names, emails and titles are not English words to stem) for words and
their beginnings, and a trigram index for any part of a word. As for the candidate
search of 0007, row-level security keeps the application role's `@@` and `LIKE` out of
index conditions, so the function `rapport_search` reads the indexes instead, as the
owner, and returns the active organization's ids only: the first matches of each kind
by name, within a hiring manager's or HR's client when it is given one.

Lists (`recruiting.filters`): the roles by title, the candidates by source, and the
submissions by how long they have waited in their stage, each keyset-paged from an
index that starts with the organization.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models

from lib.row_level_security import CURRENT_ORGANIZATION

# What each kind is searched by, and the column its matches are listed by. The
# function's conditions repeat the indexed expressions exactly, so that PostgreSQL
# matches them to the indexes.
KINDS = {
    "candidate": {
        "table": "recruiting_candidate",
        "text": "full_name || ' ' || email || ' ' || current_title || ' ' || current_company",
        "name": "full_name",
        # Hiring managers and HR: the candidates submitted to their client.
        "scope": "EXISTS (SELECT 1 FROM recruiting_submission s "
        "WHERE s.organization_id = t.organization_id AND s.candidate_id = t.id "
        "AND s.client_id = $5)",
    },
    "role": {
        "table": "recruiting_role",
        "text": "title || ' ' || location",
        "name": "title",
        "scope": "t.client_id = $5",
    },
    "client": {
        "table": "recruiting_client",
        "text": "name",
        "name": "name",
        "scope": "t.id = $5",
    },
    "contact": {
        "table": "recruiting_contact",
        "text": "full_name || ' ' || email || ' ' || job_title",
        "name": "full_name",
        "scope": "t.client_id = $5",
    },
}


def vector(kind: str) -> str:
    return f"to_tsvector('simple'::regconfig, {KINDS[kind]['text']})"


def capitals(kind: str) -> str:
    return f"upper({KINDS[kind]['text']})"


def _branch(kind: str, *, scoped: bool) -> str:
    """One kind's first matches by name: by its words ($2, a tsquery), any part of its
    text ($3, a LIKE pattern in capitals) or, for candidates, one of their tags ($4);
    within a client ($5) when `scoped`. A dollar-quoted literal of the function's body."""
    spec = KINDS[kind]
    tag = " OR t.tags @> ARRAY[$4]::varchar[]" if kind == "candidate" else ""
    scope = f" AND {spec['scope']}" if scoped else ""
    return (
        f"$q$(SELECT '{kind}'::text AS kind, t.id, t.{spec['name']}::text AS sort_name "
        f"FROM {spec['table']} t WHERE t.organization_id = $1 "
        f"AND ({vector(kind)} @@ $2 OR {capitals(kind)} LIKE $3{tag}){scope} "
        f"ORDER BY t.{spec['name']}, t.id LIMIT $6)$q$"
    )


def _function() -> str:
    branches = "\n".join(
        f"        IF '{kind}' = ANY(kinds) THEN\n"
        f"            parts := parts || CASE WHEN client IS NULL\n"
        f"                THEN {_branch(kind, scoped=False)}\n"
        f"                ELSE {_branch(kind, scoped=True)} END;\n"
        f"        END IF;"
        for kind in KINDS
    )
    return f"""CREATE FUNCTION rapport_search(
        kinds text[], words text, query text, client bigint, max_rows integer
    ) RETURNS TABLE (kind text, id bigint, place bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
    DECLARE
        parts text[] := ARRAY[]::text[];
        -- The words as a tsquery (NULL without any); the text as a LIKE pattern from
        -- three characters on, a trigram (NULL before); the text as a tag when it may
        -- be one.
        matching tsquery := CASE WHEN words <> '' THEN to_tsquery('simple', words) END;
        pattern text := CASE WHEN length(query) >= 3 THEN '%' || replace(replace(replace(
            upper(query), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' END;
        tag text := CASE WHEN length(query) <= 40 THEN query END;
    BEGIN
{branches}
        IF cardinality(parts) = 0 THEN
            RETURN;
        END IF;
        -- Planned with the values (EXECUTE … USING), so a custom plan: it walks the
        -- index by name for a common text and reads the text indexes for a rare one.
        RETURN QUERY EXECUTE
            'SELECT r.kind, r.id, row_number() OVER (PARTITION BY r.kind '
            'ORDER BY r.sort_name, r.id) FROM (' || array_to_string(parts, ' UNION ALL ')
            || ') AS r'
            USING {CURRENT_ORGANIZATION}, matching, pattern, tag, client, max_rows;
    END
    $$"""


SIGNATURE = "rapport_search(text[], text, text, bigint, integer)"

# The candidates with a tag, for the list's filter: the tag index, which row-level
# security keeps from the application role's `@>`.
TAGGED = f"""CREATE FUNCTION rapport_candidates_tagged(tag text, max_rows integer)
    RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT id FROM recruiting_candidate
        WHERE organization_id = {CURRENT_ORGANIZATION} AND tags @> ARRAY[tag]::varchar[]
        LIMIT max_rows
    $$"""
TAGGED_SIGNATURE = "rapport_candidates_tagged(text, integer)"
SEARCHED = ("role", "client", "contact")


class Migration(migrations.Migration):
    # Built concurrently: on a live database the tables keep taking writes meanwhile.
    atomic = False

    dependencies = [
        ("recruiting", "0008_home_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="role",
            index=models.Index(fields=["organization", "title", "id"], name="role_org_title_idx"),
        ),
        AddIndexConcurrently(
            model_name="candidate",
            index=models.Index(
                fields=["organization", "source", "full_name", "id"],
                name="candidate_org_source_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="submission",
            index=models.Index(
                fields=["organization", "stage_changed_at", "id"], name="submission_org_waiting_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="submission",
            index=models.Index(
                fields=["organization", "stage", "stage_changed_at", "id"],
                name="submission_stage_waiting_idx",
            ),
        ),
        AddIndexConcurrently(
            model_name="submission",
            index=models.Index(
                fields=["organization", "client", "stage_changed_at", "id"],
                name="submission_client_waiting_idx",
            ),
        ),
        migrations.RunSQL(
            sql=[
                *(
                    f"CREATE INDEX CONCURRENTLY {kind}_search_words_idx "
                    f"ON {KINDS[kind]['table']} USING gin (({vector(kind)}))"
                    for kind in KINDS
                ),
                # Candidates have theirs (0007): the same expression in capitals.
                *(
                    f"CREATE INDEX CONCURRENTLY {kind}_search_trgm_idx "
                    f"ON {KINDS[kind]['table']} USING gin (({capitals(kind)}) gin_trgm_ops)"
                    for kind in SEARCHED
                ),
                # The owner, who owns the function, reads these tables across
                # organizations; the function itself keeps to the active one.
                *(
                    f"CREATE POLICY owner_search_{kind}s ON {KINDS[kind]['table']} "
                    "FOR SELECT TO CURRENT_USER USING (true)"
                    for kind in SEARCHED
                ),
                _function(),
                f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC",
                TAGGED,
                f"REVOKE ALL ON FUNCTION {TAGGED_SIGNATURE} FROM PUBLIC",
            ],
            reverse_sql=[
                f"DROP FUNCTION {TAGGED_SIGNATURE}",
                f"DROP FUNCTION {SIGNATURE}",
                *(
                    f"DROP POLICY owner_search_{kind}s ON {KINDS[kind]['table']}"
                    for kind in SEARCHED
                ),
                *(f"DROP INDEX CONCURRENTLY {kind}_search_trgm_idx" for kind in SEARCHED),
                *(f"DROP INDEX CONCURRENTLY {kind}_search_words_idx" for kind in KINDS),
            ],
        ),
    ]
