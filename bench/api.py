"""The API at scale (DESIGN §8, issue 5): `make bench-api`.

Seeds the scale data set (`manage.py seed_scale`: 20 organizations, the largest
with 150,000 submissions) and times `GET /api/v1/submissions/` pages of 50 for the
largest organization: the first page, the pages after it (following `next`),
and filtered lists. Each request goes through the whole stack in-process
(Django's test `Client`: middleware, API key, tenant context, DRF, filters,
serializers, PostgreSQL as the application role); the time is the server's,
no network. The SQL queries of each request are counted. The report is printed;
`--write` also puts it into docs/performance.md.

Like bench/nudges.py, it works in a database of its own (DATABASE_URL with the
database name changed), created, migrated and dropped here through the owner role.

    python -m bench.api [--scale 1] [--runs 100] [--write] [--keep]
"""

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import environ

from bench.nudges import (
    _shorten,
    _without_prefix,
    contention,
    database_migrate,
    database_recreate,
    machine,
    with_database_name,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
DOC_BEGIN = "<!-- bench-api:begin (written by `python -m bench.api --write`) -->"
DOC_END = "<!-- bench-api:end -->"

BENCH_DATABASE = "rapport_bench_api"
LIST = "/api/v1/submissions/"
PAGE = 50
NEXT_PAGES = 5  # pages followed through `next` after the first
WARM_UP = 3  # requests per URL before timing
SQL_RUNS = 5  # requests per URL whose queries are captured (not timed)
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}
LAST_USED_UPDATE = 'UPDATE "accounts_apikey" SET "last_used_at"'

TARGET_P95_MS = 60  # DESIGN §8: API list endpoints, a 50-item page at scale
TARGET_SEED_SECONDS = 180  # DESIGN §8: seeding the scale data set


@dataclass
class Measure:
    """One kind of request: its URLs (timed in turn) and what was measured of them."""

    label: str
    urls: list[str]
    key: str
    matched: int
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def request(client, url: str, key: str):
    response = client.get(url, HTTP_AUTHORIZATION=f"Api-Key {key}")
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]}")
    return response


def measure(client, measures: list[Measure], *, runs: int) -> None:
    """Time every URL `runs` times after a warm-up, the measures taking turns so that
    other work on the machine weighs on all of them alike; then count the queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for m in measures:
        for url in m.urls:
            for _ in range(WARM_UP):
                request(client, url, m.key)
    for _ in range(runs):
        for m in measures:
            for url in m.urls:
                started = time.perf_counter()
                request(client, url, m.key)
                m.times.append((time.perf_counter() - started) * 1000)
    for m in measures:
        for url in m.urls:
            for _ in range(SQL_RUNS):
                with CaptureQueriesContext(connection) as captured:
                    request(client, url, m.key)
                statements = [_without_prefix(query["sql"]) for query in captured]
                m.queries.append(sum(not _bookkeeping(sql) for sql in statements))
                m.sql_ms.append(sum(float(query["time"]) for query in captured) * 1000)
        m.statements = statements


def _bookkeeping(statement: str) -> bool:
    """Transaction control, and the key's last-used time (written once a minute per key)."""
    return statement in TRANSACTION_CONTROL or statement.startswith(LAST_USED_UPDATE)


def next_urls(client, url: str, key: str, pages: int) -> list[str]:
    """The `next` links from the page at `url` on, `pages` of them."""
    found = []
    for _ in range(pages):
        url = request(client, url, key).json()["next"]
        if url is None:
            break
        found.append(url)
    return found


def list_statement(statements: list[str]) -> str:
    """The request's query of the submissions themselves."""
    return next(s for s in statements if 'FROM "recruiting_submission"' in s and "LIMIT" in s)


def plan_explain(organization_id: str, statement: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured statement, as the application role in
    the organization's context (row-level security included, as in the request)."""
    from django.db import connection

    from lib.tenancy import organization_context

    with organization_context(organization_id), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}")
        return "\n".join(row[0] for row in cursor.fetchall())


def run(args, source_url: str) -> str:
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from accounts.management.commands.seed_scale import Command as SeedScale
    from accounts.models import ApiKeyScope, Membership, MembershipRole
    from accounts.services import api_key_create
    from lib.tenancy import organization_context
    from recruiting.models import Stage, Submission

    total_started = time.perf_counter()
    busy_at_start = contention()

    print("Creating and migrating the bench database…", flush=True)
    started = time.perf_counter()
    database_recreate(source_url, args.database)
    database_migrate()
    migrate_seconds = time.perf_counter() - started

    print("Seeding the scale data set…", flush=True)
    seed = SeedScale()
    call_command(seed, scale=args.scale)
    largest = seed.plans[0]

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]

    now = timezone.now()
    week_ago, hours_ago = now - timedelta(days=7), now - timedelta(hours=2)
    with organization_context(largest.organization_id):
        owner = Membership.objects.get(role=MembershipRole.OWNER)
        _, owner_key = api_key_create(actor=owner, name="bench", scopes=[ApiKeyScope.READ])
        # The client with a hiring-manager login and the most submissions in review.
        busiest = (
            Submission.objects.filter(
                stage=Stage.HM_REVIEW, client__memberships__role=MembershipRole.HIRING_MANAGER
            )
            .values("client_id", "client__public_id")
            .annotate(count=Count("id"))
            .order_by("-count")
            .first()
        )
        hiring_manager = Membership.objects.get(
            role=MembershipRole.HIRING_MANAGER, client_id=busiest["client_id"]
        )
        _, hm_key = api_key_create(
            actor=owner, name="bench HM", scopes=[ApiKeyScope.READ], acting_as=hiring_manager
        )
        submissions = Submission.objects.all()
        everything = submissions.count()
        in_review = submissions.filter(stage=Stage.HM_REVIEW)
        in_review_at_busiest = in_review.filter(client_id=busiest["client_id"]).count()
        at_busiest = submissions.filter(client_id=busiest["client_id"]).count()
        changed_this_week = submissions.filter(updated_at__gte=week_ago).count()
        changed_lately = submissions.filter(updated_at__gte=hours_ago).count()
        in_review = in_review.count()

    def url(**query) -> str:
        return f"{LIST}?{urlencode({**query, 'limit': PAGE})}"

    client = Client()
    first = url()
    measures = [
        Measure(f"`GET {first}`, the first page", [first], owner_key, everything),
        Measure(
            f"pages 2–{NEXT_PAGES + 1}, following `next`",
            next_urls(client, first, owner_key, NEXT_PAGES),
            owner_key,
            everything,
        ),
        Measure(
            "`?stage=hm_review&client=<id>&limit=50` (the busiest client)",
            [url(stage=Stage.HM_REVIEW, client=busiest["client__public_id"])],
            owner_key,
            in_review_at_busiest,
        ),
        Measure(
            "`?stage=hm_review&limit=50`",
            [url(stage=Stage.HM_REVIEW)],
            owner_key,
            in_review,
        ),
        Measure(
            "`?updated_since=<7 days ago>&limit=50`",
            [url(updated_since=week_ago.isoformat())],
            owner_key,
            changed_this_week,
        ),
        Measure(
            "`?updated_since=<2 hours ago>&limit=50`",
            [url(updated_since=hours_ago.isoformat())],
            owner_key,
            changed_lately,
        ),
        Measure(
            "the same, `&ordering=updated_at`",
            [url(updated_since=hours_ago.isoformat(), ordering="updated_at")],
            owner_key,
            changed_lately,
        ),
        Measure(
            "`?limit=50` with that client's hiring manager's key",
            [first],
            hm_key,
            at_busiest,
        ),
    ]
    # Other page sizes, to show that the number of queries does not follow them.
    sized = [Measure("", [f"{LIST}?limit={limit}"], owner_key, 0) for limit in (1, 200)]
    print(
        f"Timing {args.runs} rounds of {sum(len(m.urls) for m in measures)} requests…",
        flush=True,
    )
    measure(client, measures, runs=args.runs)
    measure(client, sized, runs=0)
    plans = [
        (title, plan_explain(largest.organization_id, list_statement(m.statements)))
        for title, m in [
            ("The first page", measures[0]),
            ("`?stage=hm_review&limit=50`", measures[3]),
            ("`?updated_since=<2 hours ago>&limit=50`", measures[5]),
        ]
    ]
    busy_at_end = contention()
    total_seconds = time.perf_counter() - total_started

    # --- Report ---
    seed_ok = seed.seconds <= TARGET_SEED_SECONDS
    p95s = [m.percentile(0.95) for m in measures]
    all_queries = {q for m in [*measures, *sized] for q in m.queries}
    lines = [
        f"### Run of {timezone.localdate().isoformat()}",
        "",
        f"- Machine: {machine()}. Other work on it: {busy_at_start} at the start, "
        f"{busy_at_end} at the end.",
        f"- PostgreSQL {server_version.split()[0]}, shared_buffers {shared_buffers}; "
        f"Python {platform.python_version()}; settings `{os.environ['DJANGO_SETTINGS_MODULE']}` "
        "with DEBUG off.",
        f"- Database created and migrated in {migrate_seconds:.0f} s. Whole bench: "
        f"{total_seconds / 60:.1f} minutes.",
        "",
        f"Seeding (`seed_scale --scale {args.scale:g}`): **{sum(seed.counts.values()):,} rows in "
        f"{seed.seconds:.0f} s** (target ≤ {TARGET_SEED_SECONDS // 60} minutes: "
        f"{'met' if seed_ok else '**missed**'}), VACUUM ANALYZE included: "
        + ", ".join(f"{count:,} {kind}" for kind, count in seed.counts.items())
        + f". The largest organization, `{largest.slug}`: {largest.clients:,} clients, "
        f"{largest.roles:,} roles, {largest.candidates:,} candidates, "
        f"{largest.submissions:,} submissions, {largest.activities:,} activities.",
        "",
        f"Requests as `{largest.slug}`'s owner (a read key) unless said otherwise: "
        f"{args.runs} rounds, each timing every URL once (the measures take turns), after "
        f"{WARM_UP} untimed requests per URL. Server time in-process, from the request to "
        f"the rendered response; SQL is the database's share (median of {SQL_RUNS} "
        "requests with their queries captured; Django times queries to the millisecond).",
        "",
        "| Request | Matching | p50 | p95 | max | SQL | Queries | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m, p95 in zip(measures, p95s, strict=True):
        verdict = f"p95 ≤ {TARGET_P95_MS} ms: {'met' if p95 <= TARGET_P95_MS else '**missed**'}"
        queries = "/".join(str(q) for q in sorted(set(m.queries)))
        lines.append(
            f"| {m.label} | {m.matched:,} | {m.percentile(0.5):.1f} ms | {p95:.1f} ms "
            f"| {max(m.times):.1f} ms | {statistics.median(m.sql_ms):.0f} ms | {queries} "
            f"| {verdict} |"
        )
    constant = "the same for every request" if len(all_queries) == 1 else "**not constant**"
    lines += [
        "",
        f"Queries per request: {', '.join(str(q) for q in sorted(all_queries))}, {constant} "
        f"(with `limit=1`: {sized[0].queries[0]}; with `limit=200`: {sized[1].queries[0]}). "
        "Not counted: the BEGIN and COMMIT around the key's lookup, and the update of the "
        "key's last-used time, once a minute per key. The first page's (each statement "
        "but transaction control also carries the tenant `set_config` prefix, not shown):",
        "",
        "```sql",
        *(_shorten(statement) for statement in measures[0].statements),
        "```",
        "",
        "Plans of the list query, as the application role in the organization's context "
        "(`EXPLAIN (ANALYZE, BUFFERS)`):",
    ]
    for title, plan in plans:
        lines += ["", f"{title}:", "", "```", plan, "```"]
    return "\n".join(lines)


def doc_write(report: str) -> None:
    text = DOC.read_text()
    head, _, rest = text.partition(DOC_BEGIN)
    _, _, tail = rest.partition(DOC_END)
    DOC.write_text(f"{head}{DOC_BEGIN}\n\n{report}\n\n{DOC_END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed_scale's --scale")
    parser.add_argument("--runs", type=int, default=100, help="timed requests per URL")
    parser.add_argument("--database", default=BENCH_DATABASE, help="the bench's own database")
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    source_url = os.environ.get("DATABASE_URL")
    if not source_url:
        print("DATABASE_URL is not set: run `make bench-api`, which provides one.")
        return 2
    if environ.Env.db_url_config(source_url)["NAME"] == args.database:
        print(f"DATABASE_URL already names {args.database!r}; point it at the real database.")
        return 2
    # Before Django reads its settings: the bench database, no query log in the timed
    # code, the test client's host allowed, and no throttling of the bench's own key.
    os.environ["DATABASE_URL"] = with_database_name(source_url, args.database)
    if os.environ.get("APP_DATABASE_URL"):
        os.environ["APP_DATABASE_URL"] = with_database_name(
            os.environ["APP_DATABASE_URL"], args.database
        )
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["API_THROTTLE_RATE"] = "1000000/minute"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

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
        doc_write(report)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
