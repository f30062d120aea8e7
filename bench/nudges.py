"""The nudge scan at scale (docs/design.md#10-budgets, issue 4): `make bench-nudges`.

1,000,000 open clocks across 20 organizations, none due: how long one scan
takes. Then 10,000 of them made due: how fast one scan claims them. The report
is printed; `--write` also puts it into docs/performance.md.

The bench works in a database of its own (DATABASE_URL with the database name
changed), created and dropped here through the owner role, so real data is never
touched. The rows are generated inside PostgreSQL (INSERT … SELECT
generate_series) as the owner, one transaction per organization. Everything
timed runs as the application role through Django, so row-level security and
the real code path apply.

Delivery is not part of a claim: the scan enqueues each claimed nudge after the
claim commits, and a worker delivers it later. The claim rate is measured with
`nudges_enqueue` replaced by a recorder. With REDIS_URL set, enqueueing the same
deliveries is timed on its own, on a queue of the bench's own that is deleted
afterwards (no worker consumes it).

    python -m bench.nudges [--clocks 1000000] [--due 10000] [--write] [--keep]
"""

import argparse
import os
import platform
import re
import statistics
import sys
import time
import uuid
from datetime import timedelta

import psycopg2
from psycopg2 import sql
from psycopg2.extras import Json

from bench.common import (
    DOC,
    ROOT,
    connect,
    contention,
    database_migrate,
    database_recreate,
    doc_write,
    machine,
    shorten,
    use_bench_database,
    without_tenant_prefix,
)

DOC_BEGIN = "<!-- bench-nudges:begin (written by `python -m bench.nudges --write`) -->"
DOC_END = "<!-- bench-nudges:end -->"

BENCH_DATABASE = "rapport_bench"
BENCH_QUEUE = "rapport-bench"

ORGANIZATIONS = 20
CLIENTS = 50  # per organization
ROLES_PER_CLIENT = 10
KINDS = 4  # each submission has one open clock of each kind
RUNS = 20
# Clocks made due beyond the timed ones, to count the queries of a claim.
QUERY_SAMPLE = 100
# Deliveries published without the rest of nudges_enqueue, to split its cost.
PUBLISH_SAMPLE = 1_000

TARGET_SCAN_MS = 50  # docs/design.md#10-budgets: 1,000,000 open clocks, none due, one scan
TARGET_CLAIMS_PER_SECOND = 2_000  # issue 4

# --- Data: generated inside PostgreSQL, as the owner ---------------------------------
# The columns that matter to the bench; other required columns get their model
# default for the load (load_defaults). One organization per transaction, with its
# context set, so the inserts pass row-level security even for an owner role that
# is not a superuser.

LOAD = [
    """INSERT INTO accounts_organization (id, created_at, updated_at, name, slug, timezone)
       VALUES (%(org)s, %(now)s, %(now)s, %(name)s, %(slug)s, 'UTC')""",
    """INSERT INTO engagements_nudgepolicy (created_at, updated_at, organization_id, levels)
       VALUES (%(now)s, %(now)s, %(org)s, %(ladder)s)""",
    # Clients at work around the clock, every day: the scan sends nothing while a
    # client is away (docs/nudges.md#catching-up), and the bench times claims at
    # whatever hour it runs.
    """INSERT INTO recruiting_client (created_at, updated_at, public_id, external_source,
           external_id, name, website, timezone, business_day_start, business_day_end,
           workdays, notes, organization_id)
       SELECT %(now)s, %(now)s, gen_random_uuid(), '', '', 'Client ' || n, '',
           (ARRAY['UTC', 'Europe/London', 'America/New_York', 'Asia/Singapore'])[1 + n %% 4],
           '00:00', '23:59:59.999999', '{0,1,2,3,4,5,6}', '', %(org)s
       FROM generate_series(1, %(clients)s) AS n""",
    """INSERT INTO recruiting_role (created_at, updated_at, public_id, external_source,
           external_id, title, description, location, work_arrangement, openings,
           salary_currency, priority, status, client_id, organization_id)
       SELECT %(now)s, %(now)s, gen_random_uuid(), '', '', 'Role ' || n, '', '', 'hybrid', 1,
           'USD', 'normal', 'open', c.id, c.organization_id
       FROM recruiting_client c CROSS JOIN generate_series(1, %(roles_per_client)s) AS n
       WHERE c.organization_id = %(org)s""",
    """INSERT INTO recruiting_candidate (created_at, updated_at, public_id, external_source,
           external_id, full_name, email, phone, location, current_title, current_company,
           resume, resume_name, links, source, tags, consent_to_represent, internal_notes,
           organization_id)
       SELECT %(now)s, %(now)s, gen_random_uuid(), '', '', 'Candidate ' || n,
           'candidate' || n || '@bench.example', '', '', '', '', '', '', '{}', '', '{}', true,
           '', %(org)s
       FROM generate_series(1, %(submissions)s) AS n""",
    # Each candidate submitted to one role, the roles filled evenly.
    """INSERT INTO recruiting_submission (created_at, updated_at, public_id, external_source,
           external_id, pitch, skills_summary, culture_fit_notes, culture_status, stage,
           stage_changed_at, lost_reason, closing_note, candidate_id, client_id, role_id,
           organization_id)
       SELECT %(now)s, %(now)s, gen_random_uuid(), '', '', '', '[]', '', 'not_required',
           'hm_review', %(now)s, '', '', candidate.id, role.client_id, role.id, %(org)s
       FROM (SELECT id, row_number() OVER (ORDER BY id) AS n
             FROM recruiting_candidate WHERE organization_id = %(org)s) AS candidate
       JOIN (SELECT id, client_id, row_number() OVER (ORDER BY id) - 1 AS n
             FROM recruiting_role WHERE organization_id = %(org)s) AS role
         ON role.n = candidate.n %% %(roles)s""",
    # One open clock of each kind per submission, every next nudge in the future:
    # 60% before level 1 (due within 10 days), 25% past level 1 and 15% past level 2
    # (overdue, their next level within one or two days).
    """INSERT INTO engagements_responseclock (created_at, updated_at, public_id, kind,
           owed_by, stage_name, opened_at, sla_hours, sla_due_at, due_at, client_id,
           organization_id, role_id, submission_id, next_nudge_at, nudge_level)
       SELECT %(now)s, %(now)s, gen_random_uuid(), kind, owed_by, '',
           due_at - interval '16 hours', 16, due_at, due_at, client_id, organization_id,
           role_id, id, next_nudge_at, level
       FROM (
           SELECT *,
               CASE WHEN pick < 0.60 THEN due_at
                    WHEN pick < 0.85 THEN %(now)s + interval '1 hour' + b * interval '1 day'
                    ELSE %(now)s + interval '1 hour' + b * interval '2 days' END
                   AS next_nudge_at
           FROM (
               SELECT *,
                   CASE WHEN pick < 0.60 THEN 0 WHEN pick < 0.85 THEN 1 ELSE 2 END AS level,
                   CASE WHEN pick < 0.60 THEN %(now)s + interval '1 hour' + a * interval '10 days'
                        WHEN pick < 0.85 THEN %(now)s - a * interval '8 hours'
                        ELSE %(now)s - interval '1 day' - a * interval '1 day' END AS due_at
               FROM (
                   SELECT s.id, s.client_id, s.role_id, s.organization_id, k.kind, k.owed_by,
                       random() AS pick, random() AS a, random() AS b
                   FROM recruiting_submission s
                   CROSS JOIN (VALUES ('hm_review', 'hiring_manager'), ('hr_approval', 'hr'),
                       ('interview_feedback', 'hiring_manager'),
                       ('offer_decision', 'hiring_manager')) AS k (kind, owed_by)
                   WHERE s.organization_id = %(org)s
               ) AS drawn
           ) AS due
       ) AS clock""",
]

# Level-1 clocks made due within the last two hours: once level 1 is claimed, level 2
# (a business day later) lies in the future, so one scan claims each clock once.
MAKE_DUE = """
    UPDATE engagements_responseclock AS c
    SET due_at = picked.due_at, sla_due_at = picked.due_at, next_nudge_at = picked.due_at,
        opened_at = picked.due_at - interval '16 hours'
    FROM (
        SELECT id, now() - interval '1 minute' - random() * interval '110 minutes' AS due_at
        FROM engagements_responseclock
        WHERE organization_id = %(org)s AND closed_at IS NULL AND nudge_level = 0
          AND next_nudge_at > now()
        ORDER BY random()
        LIMIT %(count)s
    ) AS picked
    WHERE c.id = picked.id"""

# The clock table's indexes that back no constraint (the primary key and the
# public_id unique constraint stay during the load).
SECONDARY_INDEXES = """
    SELECT index.relname, pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class index ON index.oid = i.indexrelid
    WHERE i.indrelid = 'engagements_responseclock'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    ORDER BY index.relname"""

# The body of rapport_due_nudges (engagements/migrations/0005_nudge_security.py).
DUE_QUERY = """SELECT c.id, c.organization_id FROM engagements_responseclock c
WHERE c.closed_at IS NULL AND c.next_nudge_at <= %(as_of)s
ORDER BY c.next_nudge_at
LIMIT %(max_rows)s"""


def data_load(owner, *, clocks: int, now) -> list[str]:
    """Organizations, clients, roles, candidates, submissions and `clocks` open clocks.

    The clock table's secondary indexes are dropped for the load and rebuilt
    after it from their own definitions (bulk building is several times faster
    than a million index insertions); foreign-key triggers are skipped when the
    owner may (a superuser), since the rows are consistent by construction.
    """
    from engagements.models import default_ladder

    submissions = max(1, clocks // (ORGANIZATIONS * KINDS))
    organization_ids = [str(uuid.uuid4()) for _ in range(ORGANIZATIONS)]
    with owner, owner.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        cursor.execute(SECONDARY_INDEXES)
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    missing_defaults = load_defaults(owner)
    for number, organization_id in enumerate(organization_ids, start=1):
        params = {
            "org": organization_id,
            "now": now,
            "name": f"Bench agency {number}",
            "slug": f"bench-{number}",
            "ladder": Json(default_ladder()),
            "clients": CLIENTS,
            "roles_per_client": ROLES_PER_CLIENT,
            "roles": CLIENTS * ROLES_PER_CLIENT,
            "submissions": submissions,
        }
        with owner, owner.cursor() as cursor:  # one transaction per organization
            cursor.execute("SET LOCAL synchronous_commit = off")
            if superuser:
                cursor.execute("SET LOCAL session_replication_role = replica")
            _enter(cursor, organization_id)
            for statement in LOAD:
                cursor.execute(statement, params)
        print(f"  organization {number}/{ORGANIZATIONS} loaded", flush=True)
    print(f"  rebuilding {len(indexes)} indexes of the clock table", flush=True)
    with owner, owner.cursor() as cursor:
        for table, column in missing_defaults:
            cursor.execute(
                sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT").format(
                    sql.Identifier(table), sql.Identifier(column)
                )
            )
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
    owner.autocommit = True
    with owner.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    owner.autocommit = False
    return organization_ids


def load_defaults(owner) -> list[tuple[str, str]]:
    """Give the required columns the load does not name their model default, for the load.

    Other work adds columns to these models; with this the bench keeps loading
    them without listing every column. Returns the (table, column) pairs to reset.
    """
    from django.apps import apps
    from django.db import models

    tables = {re.search(r"INSERT INTO (\w+)", statement).group(1) for statement in LOAD}
    given = []
    with owner, owner.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            if table not in tables:
                continue
            cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "AND is_nullable = 'NO' AND column_default IS NULL",
                [table],
            )
            required = {row[0] for row in cursor.fetchall()}
            for field in model._meta.concrete_fields:
                if field.column not in required:
                    continue
                if field.has_default():
                    value = field.get_default()
                elif field.blank and isinstance(field, models.CharField | models.TextField):
                    value = ""
                else:
                    continue
                if isinstance(value, dict | list) and isinstance(field, models.JSONField):
                    value = Json(value)
                cursor.execute(
                    sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET DEFAULT %s").format(
                        sql.Identifier(table), sql.Identifier(field.column)
                    ),
                    [value],
                )
                given.append((table, field.column))
    return given


def clocks_postpone_due(owner, organization_ids: list[str]) -> int:
    """Move what one timed scan left due a day ahead; returns how many there were."""
    postponed = 0
    for organization_id in organization_ids:
        with owner, owner.cursor() as cursor:
            _enter(cursor, organization_id)
            cursor.execute(
                "UPDATE engagements_responseclock SET next_nudge_at = now() + interval '1 day' "
                "WHERE organization_id = %s AND closed_at IS NULL AND next_nudge_at <= now()",
                [organization_id],
            )
            postponed += cursor.rowcount
    return postponed


def clocks_make_due(owner, organization_ids: list[str], count: int) -> int:
    """Make `count` clocks due, spread evenly over the organizations."""
    share, extra = divmod(count, len(organization_ids))
    made = 0
    for index, organization_id in enumerate(organization_ids):
        with owner, owner.cursor() as cursor:
            _enter(cursor, organization_id)
            cursor.execute(MAKE_DUE, {"org": organization_id, "count": share + (index < extra)})
            made += cursor.rowcount
    return made


def _enter(cursor, organization_id: str) -> None:
    cursor.execute("SELECT set_config('rapport.organization_id', %s, true)", [organization_id])


# --- Plans -----------------------------------------------------------------------------


def plan_explain(owner, *, as_of, max_rows: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the scan's query, as the owner (the function's role)."""
    with owner, owner.cursor() as cursor:
        cursor.execute(
            sql.SQL("EXPLAIN (ANALYZE, BUFFERS) {}").format(sql.SQL(DUE_QUERY)),
            {"as_of": as_of, "max_rows": max_rows},
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_in_function(owner, *, as_of, max_rows: int) -> str:
    """The plan the function itself runs, from auto_explain (needs LOAD, a superuser's)."""
    try:
        with owner, owner.cursor() as cursor:
            cursor.execute("LOAD 'auto_explain'")
            for setting, value in [
                ("auto_explain.log_min_duration", "0"),
                ("auto_explain.log_analyze", "on"),
                ("auto_explain.log_buffers", "on"),
                ("auto_explain.log_nested_statements", "on"),
                ("auto_explain.log_level", "notice"),
                ("client_min_messages", "notice"),
            ]:
                cursor.execute("SELECT set_config(%s, %s, true)", [setting, value])
            del owner.notices[:]
            cursor.execute("SELECT * FROM rapport_due_nudges(%s, %s)", [as_of, max_rows])
            notices = list(owner.notices)
    except psycopg2.Error as error:
        owner.rollback()
        return f"(auto_explain unavailable: {error.pgerror or error})"
    nested = [notice for notice in notices if "rapport_due_nudges" not in notice]
    text = "\n".join(notice.strip() for notice in nested or notices)
    return "\n".join(
        line.removeprefix("NOTICE:  ").rstrip() for line in text.splitlines() if line.strip()
    )


# --- Timing ----------------------------------------------------------------------------


def timed_ms(function, runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


# --- The bench -------------------------------------------------------------------------


def run(args, source_url: str) -> str:
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from engagements.services import nudges

    lines: list[str] = []
    total_started = time.perf_counter()
    busy_at_start = contention()

    print("Creating and migrating the bench database…", flush=True)
    started = time.perf_counter()
    database_recreate(source_url, args.database)
    database_migrate()
    migrate_seconds = time.perf_counter() - started

    owner = connect(os.environ["DATABASE_URL"])
    with owner.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    owner.rollback()

    print(f"Loading {args.clocks:,} open clocks…", flush=True)
    started = time.perf_counter()
    organization_ids = data_load(owner, clocks=args.clocks, now=timezone.now())
    load_seconds = time.perf_counter() - started
    with owner, owner.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(next_nudge_at) - now() FROM engagements_responseclock "
            "WHERE closed_at IS NULL"
        )
        open_clocks, nearest = cursor.fetchone()
        cursor.execute(
            "SELECT pg_size_pretty(pg_relation_size('clock_nudge_due_idx')), "
            "pg_size_pretty(pg_total_relation_size('engagements_responseclock'))"
        )
        index_size, table_size = cursor.fetchone()

    # --- None due ---
    print("Timing the scan with none due…", flush=True)
    recorded: list[tuple[int, str]] = []

    def record(*, organization_id: str, nudge_ids: list[int]) -> None:
        recorded.extend((nudge_id, organization_id) for nudge_id in nudge_ids)

    real_enqueue = nudges.nudges_enqueue
    nudges.nudges_enqueue = record  # delivery is measured apart (below)

    nudges.due_clock_ids(now=timezone.now())  # connect and warm up
    cold_ids = timed_ms(lambda: nudges.due_clock_ids(now=timezone.now()), runs=1)[0]
    ids_times = timed_ms(lambda: nudges.due_clock_ids(now=timezone.now()))
    scan_times = timed_ms(lambda: nudges.nudges_scan())
    if recorded:
        raise RuntimeError("A clock was due although none should be.")
    with CaptureQueriesContext(connection) as idle_queries:
        nudges.nudges_scan()
    plan_none = plan_explain(owner, as_of=timezone.now(), max_rows=nudges.SCAN_BATCH)
    plan_function = plan_in_function(owner, as_of=timezone.now(), max_rows=nudges.SCAN_BATCH)

    # --- Due ---
    print(f"Making {args.due:,} clocks due and timing the claims…", flush=True)
    made_due = clocks_make_due(owner, organization_ids, args.due)
    due_ids_times = timed_ms(lambda: nudges.due_clock_ids(now=timezone.now()))
    plan_due = plan_explain(owner, as_of=timezone.now(), max_rows=nudges.SCAN_BATCH)
    plan_function_due = plan_in_function(owner, as_of=timezone.now(), max_rows=nudges.SCAN_BATCH)

    busy_before_claims = contention()
    started, cpu_started = time.perf_counter(), time.process_time()
    claimed = nudges.nudges_scan(time_budget=timedelta(seconds=args.claim_budget))
    claim_seconds = time.perf_counter() - started
    claims_per_second = len(claimed) / claim_seconds if claim_seconds else 0.0
    claim_cpu_seconds = time.process_time() - cpu_started
    busy_after_claims = contention()
    left_due = clocks_postpone_due(owner, organization_ids)
    organizations_claimed = len({claim.organization_id for claim in claimed})
    enqueued_after_commit = len(recorded)

    # --- Queries per claim ---
    clocks_make_due(owner, organization_ids, QUERY_SAMPLE)
    with CaptureQueriesContext(connection) as claim_queries:
        sample = nudges.nudges_scan(time_budget=timedelta(seconds=args.claim_budget))
    if len(claim_queries) >= connection.queries_limit:
        raise RuntimeError("Too many queries captured to count them per claim.")
    scan_calls = sum("rapport_due_nudges" in query["sql"] for query in claim_queries)
    per_claim = (len(claim_queries) - scan_calls) / max(1, len(sample))
    # The first claiming transaction: one claim, or one organization's batch.
    first_transaction = []
    for query in claim_queries.captured_queries[1:21]:
        first_transaction.append(without_tenant_prefix(query["sql"]))
        if query["sql"] == "COMMIT":
            break

    # --- Enqueueing ---
    nudges.nudges_enqueue = real_enqueue
    enqueues_per_second = 0.0
    if settings.REDIS_URL:
        print(f"Timing {len(claimed):,} enqueues to Redis…", flush=True)
        enqueues_per_second, enqueue_lines = enqueue_bench(claimed)
        both = 1 / (1 / claims_per_second + 1 / enqueues_per_second)
        enqueue_lines.append(
            f"A real scan claims and enqueues in the same loop: about {both:,.0f} nudges per "
            "second from both figures."
        )
    else:
        enqueue_lines = ["Not measured: REDIS_URL is not set (the broker is the file system)."]

    owner.close()
    total_seconds = time.perf_counter() - total_started

    # --- Report ---
    ids_median, ids_p95 = summary(ids_times)
    scan_median, scan_p95 = summary(scan_times)
    due_median, due_p95 = summary(due_ids_times)
    scan_ok = scan_p95 <= TARGET_SCAN_MS
    claims_ok = claims_per_second >= TARGET_CLAIMS_PER_SECOND
    day = timezone.localdate().isoformat()
    lines += [
        f"### Run of {day}",
        "",
        f"- Machine: {machine()}. Other work on it: {busy_at_start} at the start, "
        f"{busy_before_claims} before the claims, {busy_after_claims} after them.",
        f"- PostgreSQL {server_version.split()[0]}, shared_buffers {shared_buffers}; "
        f"Python {platform.python_version()}; settings `{os.environ['DJANGO_SETTINGS_MODULE']}` "
        "with DEBUG off.",
        f"- Data: {ORGANIZATIONS} organizations × {CLIENTS} clients × {ROLES_PER_CLIENT} roles, "
        f"{open_clocks:,} open clocks (one per kind on {open_clocks // KINDS:,} submissions), "
        f"the nearest next nudge {_duration(nearest)} ahead. Created and migrated in "
        f"{migrate_seconds:.0f} s, loaded and vacuumed in {load_seconds:.0f} s. "
        f"`clock_nudge_due_idx` {index_size}; the clock table with its indexes {table_size}.",
        f"- Whole bench: {total_seconds / 60:.1f} minutes.",
        "",
        "| Measure (application role, through Django) | Median | p95 | Target |",
        "|---|---:|---:|---|",
        f"| `due_clock_ids()`, none due ({RUNS} runs; first call {cold_ids:.2f} ms) "
        f"| {ids_median:.2f} ms | {ids_p95:.2f} ms | |",
        f"| `nudges_scan()`, none due ({RUNS} runs, {len(idle_queries)} query each) "
        f"| {scan_median:.2f} ms | {scan_p95:.2f} ms "
        f"| ≤ {TARGET_SCAN_MS} ms: {'met' if scan_ok else '**missed**'} |",
        f"| `due_clock_ids()`, {made_due:,} due (a batch of {nudges.SCAN_BATCH}, {RUNS} runs) "
        f"| {due_median:.2f} ms | {due_p95:.2f} ms | |",
        "",
        f"Claiming: one `nudges_scan()` claimed **{len(claimed):,}** of {made_due:,} due clocks "
        f"({organizations_claimed} organizations) in **{claim_seconds:.2f} s**: "
        f"**{claims_per_second:,.0f} claims per second** "
        f"(target ≥ {TARGET_CLAIMS_PER_SECOND:,}: {'met' if claims_ok else '**missed**'}); "
        f"{left_due:,} left due when its {args.claim_budget} s budget ran out. "
        f"The bench process used {claim_cpu_seconds:.2f} s of CPU "
        f"({claim_cpu_seconds / max(1, len(claimed)) * 1000:.2f} ms per claim); the rest is "
        "PostgreSQL and waiting for the CPU. `nudges_enqueue` was replaced by a recorder, "
        f"which received {enqueued_after_commit:,} calls, all after their claim committed. "
        f"At this rate a scan with its default 50 s budget claims "
        f"{claims_per_second * 50:,.0f} nudges.",
        "",
        f"Queries: {per_claim:.1f} statements per claim, transaction control included (a scan "
        f"of {len(sample)} claims ran "
        f"{len(claim_queries)} queries, {scan_calls} of them `rapport_due_nudges`). The first "
        "claiming transaction (each statement but transaction control also carries the "
        "tenant `set_config` prefix, not shown):",
        "",
        "```sql",
        *(shorten(statement) for statement in first_transaction),
        "```",
        "",
        "Enqueueing (not part of the claim rate):",
        "",
        *(f"- {line}" for line in enqueue_lines),
        "",
        "Plan of the function's query with none due, with a literal time (a custom plan), "
        "as the owner, the function's role:",
        "",
        "```",
        plan_none,
        "```",
        "",
        "The plan inside `rapport_due_nudges` as the application calls it (auto_explain):",
        "",
        "```",
        plan_function,
        "```",
        "",
        f"The same two with {made_due:,} due: the custom plan, then the function's own.",
        "",
        "```",
        plan_due,
        "```",
        "",
        "```",
        plan_function_due,
        "```",
    ]
    return "\n".join(lines)


def enqueue_bench(claimed) -> list[str]:
    """Publish the claimed nudges' deliveries to the bench's own queue, then delete it."""
    from config.celery import app
    from engagements.services import nudges
    from engagements.tasks import deliver_nudge

    publish_only = claimed[:PUBLISH_SAMPLE]
    try:
        started = time.perf_counter()
        for claim in publish_only:
            deliver_nudge.delay(claim.organization_id, claim.nudge_id)
        publish_seconds = time.perf_counter() - started
        by_organization: dict[str, list[int]] = {}
        for claim in claimed:
            by_organization.setdefault(claim.organization_id, []).append(claim.nudge_id)
        started = time.perf_counter()
        for organization_id, nudge_ids in by_organization.items():
            nudges.nudges_enqueue(organization_id=organization_id, nudge_ids=nudge_ids)
        enqueue_seconds = time.perf_counter() - started
    finally:
        # Declared on this channel first: kombu deletes only the bindings it knows of.
        with app.connection_for_write() as broker:
            queue = app.amqp.queues[BENCH_QUEUE](broker.default_channel)
            queue.declare()
            queue.purge()
            queue.delete()
    count = len(claimed)
    return count / enqueue_seconds, [
        f"`nudges_enqueue()` for the {count:,} claimed nudges, per organization (publish to "
        f"Redis, then record `enqueued_at` in one update): {enqueue_seconds:.2f} s, "
        f"**{count / enqueue_seconds:,.0f} per second**.",
        f"Of which publishing alone (`deliver_nudge.delay()`, {len(publish_only):,} messages): "
        f"{len(publish_only) / publish_seconds:,.0f} per second.",
    ]


def _duration(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clocks", type=int, default=1_000_000, help="open clocks to load")
    parser.add_argument("--due", type=int, default=10_000, help="clocks made due for claiming")
    parser.add_argument(
        "--claim-budget", type=int, default=300, help="time budget of the timed scan, in seconds"
    )
    parser.add_argument("--database", default=BENCH_DATABASE, help="the bench's own database")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    source_url = os.environ.get("DATABASE_URL")
    refusal = use_bench_database(source_url, args.database, "bench-nudges")
    if refusal:
        print(refusal)
        return 2
    # Its own broker queue, which no worker consumes.
    os.environ["CELERY_ONE_QUEUE"] = BENCH_QUEUE

    try:
        report = run(args, source_url)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            database_recreate(source_url, args.database, drop_only=True)
    print()
    print(report)
    if args.write:
        doc_write(report, begin=DOC_BEGIN, end=DOC_END)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
