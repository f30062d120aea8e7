"""The header's search over candidates, roles, clients and contacts, and the indexes the
sortable, filterable lists page along.

Search (`recruiting.search`): each kind has a full-text index (the `simple`
configuration: names, emails and titles are not English words to stem) for words and
their beginnings, and a trigram index for any part of a word. As for the candidate
search of 0007, row-level security keeps the application role's `@@` and `LIKE` out of
index conditions, so the function `rapport_search` reads the indexes instead, as the
owner, and returns the active organization's ids only: the first matches of each kind
by name among the first few hundred found, within a hiring manager's or HR's client
when it is given one.

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
        # Emails are left to the trigrams: each is a word of its own, and thousands of
        # words beginning alike ("candidate1@…") would make a prefix costly.
        "words": "full_name || ' ' || current_title || ' ' || current_company",
        "text": "full_name || ' ' || email || ' ' || current_title || ' ' || current_company",
        "name": "full_name",
        # Hiring managers and HR: the candidates submitted to their client, read from
        # the client's submissions (a few hundred) rather than checked for every match.
        "scope": "t.id IN (SELECT s.candidate_id FROM recruiting_submission s "
        "WHERE s.organization_id = $1 AND s.client_id = $5)",
    },
    "role": {
        "table": "recruiting_role",
        "words": "title || ' ' || location",
        "text": "title || ' ' || location",
        "name": "title",
        "scope": "t.client_id = $5",
    },
    "client": {
        "table": "recruiting_client",
        "words": "name",
        "text": "name",
        "name": "name",
        "scope": "t.id = $5",
    },
    "contact": {
        "table": "recruiting_contact",
        "words": "full_name || ' ' || job_title",
        "text": "full_name || ' ' || email || ' ' || job_title",
        "name": "full_name",
        "scope": "t.client_id = $5",
    },
}


def vector(kind: str) -> str:
    return f"to_tsvector('simple'::regconfig, {KINDS[kind]['words']})"


def capitals(kind: str) -> str:
    return f"upper({KINDS[kind]['text']})"


def _branch(kind: str, *, scoped: bool) -> str:
    """One kind's matches, a dollar-quoted literal of the function's body: the first $7
    found by its words ($2, a tsquery), then as many more by any part of its text ($3,
    a LIKE pattern in capitals) or, for candidates, by a tag ($4), within a client
    ($5) when `scoped`; then the first $6 of those by name, each with how many were
    found. Each way is read from its own index on its own (a bitmap scan rechecks
    every row it reads against the whole condition, and parsing a text into words
    costs thirty times a LIKE), and the second only when the first found too few."""
    spec = KINDS[kind]
    table, name = spec["table"], spec["name"]
    scope = f" AND {spec['scope']}" if scoped else ""
    where = f"FROM {table} t WHERE t.organization_id = $1{scope}"
    others = [f"{capitals(kind)} LIKE $3"]
    if kind == "candidate":
        others.append("t.tags @> ARRAY[$4]::varchar[]")
    more = " UNION ".join(
        f"(SELECT t.id, t.{name} {where} AND {condition} "
        f"AND (SELECT count(*) FROM by_words) < $7 LIMIT $7)"
        for condition in others
    )
    return (
        f"$q$(WITH by_words AS (SELECT t.id, t.{name} {where} AND {vector(kind)} @@ $2 "
        "LIMIT $7) "
        f"SELECT '{kind}'::text AS kind, p.id, p.{name}::text AS sort_name, "
        "count(*) OVER () AS found "
        f"FROM (SELECT * FROM (SELECT id, {name} FROM by_words UNION {more}) AS u LIMIT $7) "
        f"AS p ORDER BY p.{name}, p.id LIMIT $6)$q$"
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
        kinds text[], words text, query text, client bigint, max_rows integer, pool integer
    ) RETURNS TABLE (kind text, id bigint, place bigint, found bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public
    -- Bitmap scans of the text indexes only: taking a common word for a dense one, the
    -- planner would rather walk an index and test every row it passes, which for the
    -- words means parsing each row's text (35 µs a row).
    SET enable_indexscan = off SET enable_seqscan = off AS $$
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
        -- Planned with the values (EXECUTE … USING): a custom plan, with the estimates
        -- of this text.
        RETURN QUERY EXECUTE
            'SELECT r.kind, r.id, row_number() OVER (PARTITION BY r.kind '
            'ORDER BY r.sort_name, r.id), r.found FROM ('
            || array_to_string(parts, ' UNION ALL ') || ') AS r'
            USING {CURRENT_ORGANIZATION}, matching, pattern, tag, client, max_rows, pool;
    END
    $$"""


SIGNATURE = "rapport_search(text[], text, text, bigint, integer, integer)"

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
        ("recruiting", "0009_free_text_limits"),
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
                fields=["organization", "stage_changed_at", "id"],
                condition=models.Q(stage__in=["hm_review", "interviewing", "offer", "submitted"]),
                name="submission_open_waiting_idx",
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
