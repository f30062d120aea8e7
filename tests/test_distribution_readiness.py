"""The schema stays ready to be distributed by organization (docs/scaling.md).

Citus shards tables by a distribution column, `organization_id` here: a query that
names one organization runs on one node, and a constraint or a foreign key can be
kept only when it includes that column. What can be checked on one machine is
checked here, on the migrated test database's catalog (not on the models, which
do not show the indexes and constraints the migrations made in SQL):

* every tenant table has `organization_id`, NOT NULL;
* `organization_id` leads every unique constraint and every composite index of a
  tenant table, so each is per organization and serves one organization's reads;
* every foreign key between tenant tables can be made composite with it (one
  column, to the other table's `id`), and no global table points into a tenant one;
* the global tables a tenant table points to are the reference tables the document
  names, and the document's `create_distributed_table` and `create_reference_table`
  calls name every table of the schema that is not local to the coordinator.

What Django cannot express yet is listed below with its reason; docs/scaling.md
gives the statements that change each when the database moves to Citus. An entry
that no longer applies fails as well, so the list stays exact.
"""

import re

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Organization
from tests.test_tenant_isolation import tenant_tables

# Shapes every Django table has, allowed on every tenant table with one reason each.
SURROGATE_PRIMARY_KEY = (
    "Django's primary key is `id` alone; on Citus it becomes (organization_id, id) "
    "(docs/scaling.md), which Django 5.2 can declare but its foreign keys cannot follow"
)
PUBLIC_ID = (
    "a random UUID handed to URLs and the API, unique by construction; it is only "
    "looked up inside an organization's context, so (organization_id, public_id) on Citus"
)
SINGLE_COLUMN_FOREIGN_KEY = (
    "Django has no composite foreign keys: `x_id` references `id`; on Citus each "
    "becomes (organization_id, x_id) referencing (organization_id, id)"
)
# The constraints and indexes that do not start with organization_id, one by one.
NOT_LED_BY_ORGANIZATION = {
    "accounts_apikey_prefix_key": (
        "an API key is found by its prefix before its organization is known; API keys "
        "become a reference table on Citus, where a unique key needs no distribution column"
    ),
    "accounts_invitation_token_hash_key": (
        "an invitation link is opened before its organization is known; invitations "
        "become a reference table too"
    ),
    "membership_user_org_idx": (
        "a person's own memberships across organizations (sign-in, the switcher on "
        "every page): the one read that starts from the user; memberships become a "
        "reference table"
    ),
    "engagements_actionlink_token_hash_key": (
        "a nudge's one-click link is opened without a session; on Citus the link's URL "
        "carries the organization and the key becomes (organization_id, token_hash)"
    ),
    "engagements_nudgepolicy_client_id_key": (
        "Django's one-to-one of a client and its nudge policy; client ids are unique "
        "anyway, and the key becomes (organization_id, client_id) on Citus"
    ),
}
# Global tables a tenant table may point to: the organizations themselves, and the
# tables that become Citus reference tables (a copy on every node).
REFERENCE_TARGETS = {Organization._meta.db_table, "accounts_user"}

TENANT_TABLES_SQL = """
    SELECT c.relname, a.attnotnull
    FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id'
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND NOT a.attisdropped
"""
INDEXES_SQL = """
    SELECT t.relname, i.relname, x.indisunique, x.indisprimary,
           array_agg(coalesce(a.attname, '(expression)') ORDER BY k.position)
    FROM pg_index x
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_class i ON i.oid = x.indexrelid
    CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
    WHERE t.relname = ANY(%s) AND k.position <= x.indnkeyatts
    GROUP BY t.relname, i.relname, x.indisunique, x.indisprimary
"""
FOREIGN_KEYS_SQL = """
    SELECT f.conname, src.relname, dst.relname,
           array(SELECT attname FROM unnest(f.conkey) WITH ORDINALITY k(n, p)
                 JOIN pg_attribute ON attrelid = f.conrelid AND attnum = k.n ORDER BY k.p),
           array(SELECT attname FROM unnest(f.confkey) WITH ORDINALITY k(n, p)
                 JOIN pg_attribute ON attrelid = f.confrelid AND attnum = k.n ORDER BY k.p)
    FROM pg_constraint f
    JOIN pg_class src ON src.oid = f.conrelid
    JOIN pg_class dst ON dst.oid = f.confrelid
    WHERE f.contype = 'f' AND f.connamespace = 'public'::regnamespace
"""


def _fetch(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.fixture
def tenant_columns(db) -> dict[str, bool]:
    """Each table with an organization_id column, and whether it is NOT NULL."""
    return dict(_fetch(TENANT_TABLES_SQL))


def test_every_tenant_table_has_a_not_null_organization_id(tenant_columns):
    expected = set(tenant_tables()) - {Organization._meta.db_table}
    missing = sorted(expected - set(tenant_columns))
    nullable = sorted(table for table, not_null in tenant_columns.items() if not not_null)
    assert missing == [], "tenant tables without organization_id"
    assert nullable == [], "tenant tables whose organization_id may be NULL"


def test_organization_id_leads_every_unique_constraint_and_composite_index(tenant_columns):
    not_led = {}
    for table, index, unique, primary, columns in _fetch(INDEXES_SQL, [list(tenant_columns)]):
        if not (unique or len(columns) > 1) or columns[0] == "organization_id":
            continue
        if (primary and columns == ["id"]) or (unique and columns == ["public_id"]):
            continue  # allowed everywhere: SURROGATE_PRIMARY_KEY, PUBLIC_ID
        not_led[index] = f"{table} ({', '.join(columns)})"

    unexplained = sorted(
        f"{index}: {what}"
        for index, what in not_led.items()
        if index not in NOT_LED_BY_ORGANIZATION
    )
    stale = sorted(set(NOT_LED_BY_ORGANIZATION) - set(not_led))
    assert unexplained == [], (
        "organization_id must lead these, or list them with a reason; allowed everywhere "
        f"are only the primary key ({SURROGATE_PRIMARY_KEY}) and public_id ({PUBLIC_ID})"
    )
    assert stale == [], "listed as exceptions but no longer are: remove them from the list"


def test_every_foreign_key_between_tenant_tables_can_carry_organization_id(tenant_columns):
    problems = []
    composite_ready = 0
    for name, source, target, columns, referenced in _fetch(FOREIGN_KEYS_SQL):
        if source not in tenant_columns:
            if target in tenant_columns:
                problems.append(f"{name}: the global {source} points into the tenant {target}")
            continue
        if target not in tenant_columns:
            if target not in REFERENCE_TARGETS:
                problems.append(f"{name}: {source} points to the global {target}")
            continue
        if "organization_id" in columns and "organization_id" in referenced:
            continue
        if len(columns) == 1 and referenced == ["id"]:
            composite_ready += 1  # SINGLE_COLUMN_FOREIGN_KEY
            continue
        problems.append(f"{name}: {source} ({', '.join(columns)}) → {target}")

    assert problems == [], (
        f"allowed are only foreign keys of one column to id: {SINGLE_COLUMN_FOREIGN_KEY}"
    )
    assert composite_ready > 0  # the rule above is exercised, not vacuous


SCALING_DOC = settings.BASE_DIR / "docs" / "scaling.md"
# Kept on the coordinator: Django's own bookkeeping, read alone by key, and the list of
# each session's browser and last request (allauth's user sessions), kept beside it.
COORDINATOR_LOCAL = {"django_migrations", "django_session", "usersessions_usersession"}


def _called(function: str) -> list[str]:
    return re.findall(rf"{function}\('(\w+)'", SCALING_DOC.read_text(encoding="utf-8"))


def test_the_citus_plan_names_every_table_once(tenant_columns):
    distributed, reference = _called("create_distributed_table"), _called("create_reference_table")
    every_table = {
        name
        for (name,) in _fetch(
            "SELECT relname FROM pg_class "
            "WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')"
        )
    }

    assert len(distributed) == len(set(distributed))
    assert len(reference) == len(set(reference))
    assert set(distributed) <= set(tenant_columns), "only tenant tables are distributed"
    assert set(reference) >= REFERENCE_TARGETS
    assert set(distributed) | set(reference) == every_table - COORDINATOR_LOCAL
