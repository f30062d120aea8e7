"""The API at scale (docs/design.md#10-budgets, issue 5): `make bench-api`.

Seeds the scale data set (`manage.py seed_scale`: 20 organizations, the largest
with 150,000 submissions and 400,000 activities) and times pages of 50 of every
API list, as the largest organization: each list's first page and a page after
it (following `next`), and the filters that select a few of many rows. Each
request goes through the whole stack in-process (Django's test `Client`:
middleware, API key, tenant context, DRF, filters, serializers, PostgreSQL as the
application role); the time is the server's, no network. The SQL queries of
each request are counted, and the plan of each list's query is summarised. Each
request is put next to its raw floor, timed right after it in the same process:
its data queries run again, and their rows encoded by `json.dumps`. The report
is printed; `--write` also puts it into docs/performance.md.

Like bench/nudges.py, it works in a database of its own (DATABASE_URL with the
database name changed), created, migrated and dropped here through the owner role.
`--keep` keeps it; `--reuse` times again in a kept one, migrated to the current
code (new indexes included) but not seeded again.

    python -m bench.api [--scale 1] [--runs 100] [--write] [--keep | --reuse]
"""

import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from bench.common import (
    contention,
    database_migrate,
    database_recreate,
    machine,
    scale_bench_main,
    scale_bench_parser,
    shorten,
    without_tenant_prefix,
)

DOC_BEGIN = "<!-- bench-api:begin (written by `python -m bench.api --write`) -->"
DOC_END = "<!-- bench-api:end -->"

BENCH_DATABASE = "rapport_bench_api"
API = "/api/v1/"
PAGE = 50
SUBMISSION_NEXT_PAGES = 5  # submission pages followed through `next` after the first
WARM_UP = 3  # requests per URL before timing
SQL_RUNS = 5  # requests per URL whose queries are captured (not timed)
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}
LAST_USED_UPDATE = 'UPDATE "accounts_apikey" SET "last_used_at"'

TARGET_P95_MS = 60  # docs/design.md#10-budgets: API list endpoints, a 50-item page at scale
TARGET_RAW_RATIO = 2  # a list page against its own query plus JSON encoding of its rows
TARGET_SEED_SECONDS = 180  # docs/design.md#10-budgets: seeding the scale data set


@dataclass
class Measure:
    """One kind of request: its URLs (timed in turn) and what was measured of them.
    `table` is the list's table: the request's query of it is the one explained."""

    label: str
    urls: list[str]
    key: str
    matched: int
    table: str
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    plan: str = ""
    # Each URL's data queries (the list query and those after it, which read the
    # related rows), and the raw floor timed next to the request (`raw_list`).
    data_statements: list[list[str]] = field(default_factory=list)
    raw_times: list[float] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def request(client, url: str, key: str):
    response = client.get(url, HTTP_AUTHORIZATION=f"Api-Key {key}")
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:300]}")
    return response


def measure(client, measures: list[Measure], *, runs: int, organization_id: str) -> None:
    """Count the queries of every URL after a warm-up; then time it `runs` times, each
    request followed by its raw floor, the measures taking turns so that other work on
    the machine weighs on all of them alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for m in measures:
        for url in m.urls:
            for _ in range(WARM_UP if runs else 1):
                request(client, url, m.key)
    for m in measures:
        for index, url in enumerate(m.urls):
            for _ in range(SQL_RUNS):
                with CaptureQueriesContext(connection) as captured:
                    request(client, url, m.key)
                statements = [without_tenant_prefix(query["sql"]) for query in captured]
                m.queries.append(sum(not _bookkeeping(sql) for sql in statements))
                m.sql_ms.append(sum(float(query["time"]) for query in captured) * 1000)
            if index == 0:
                m.statements = statements
            m.data_statements.append(data_statements(statements, m.table))
    for _ in range(WARM_UP if runs else 0):
        for m in measures:
            for statements in m.data_statements:
                raw_list(organization_id, statements)
    for _ in range(runs):
        for m in measures:
            for url, statements in zip(m.urls, m.data_statements, strict=True):
                started = time.perf_counter()
                request(client, url, m.key)
                m.times.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                raw_list(organization_id, statements)
                m.raw_times.append((time.perf_counter() - started) * 1000)


def data_statements(statements: list[str], table: str) -> list[str]:
    """The request's list query and the queries after it (its rows' related rows),
    without the key's and the member's lookups before it."""
    first = statements.index(list_statement(statements, table))
    return [s for s in statements[first:] if not _bookkeeping(s)]


def raw_list(organization_id: str, statements: list[str]) -> str:
    """What a list costs at the least in this process: its data queries, run again as
    the application role in the organization's context (row-level security included),
    and every row they return encoded as a JSON object by the standard library."""
    from django.db import connection

    from lib.tenancy import organization_context

    results = []
    with organization_context(organization_id), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            columns = [column.name for column in cursor.description]
            results.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    return json.dumps(results, default=str)


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


def list_statement(statements: list[str], table: str) -> str:
    """The request's query of the list's rows (prefetches read by primary key, no LIMIT)."""
    return next(s for s in statements if f'FROM "{table}"' in s and " LIMIT " in s)


def _nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def _scan(node: dict) -> str:
    if node["Node Type"] == "Seq Scan":
        return "seq scan"
    if node["Node Type"] == "Bitmap Heap Scan":
        names = [n["Index Name"] for n in _nodes(node) if "Index Name" in n]
        return "bitmap of " + " and ".join(f"`{name}`" for name in names)
    only = " (index only)" if node["Node Type"] == "Index Only Scan" else ""
    return f"`{node['Index Name']}`{only}"


def plan_summary(organization_id: str, statement: str, table: str) -> str:
    """`EXPLAIN (ANALYZE, BUFFERS)` of the list query as the application role in the
    organization's context (row-level security included, as in the request), told in
    a line: how the list's table is read, how many of its rows, whether they are
    sorted, the buffers touched and PostgreSQL's time."""
    from django.db import connection

    from lib.tenancy import organization_context

    with organization_context(organization_id), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {statement}")
        document = cursor.fetchone()[0]
    explained = (json.loads(document) if isinstance(document, str) else document)[0]
    top = explained["Plan"]
    nodes = list(_nodes(top))
    scans = [n for n in nodes if n.get("Relation Name") == table]
    read = sum(
        (n["Actual Rows"] + n.get("Rows Removed by Filter", 0)) * n["Actual Loops"] for n in scans
    )
    sorted_ = any(n["Node Type"] == "Sort" for n in nodes)
    buffers = top["Shared Hit Blocks"] + top["Shared Read Blocks"]
    return (
        f"{', '.join(_scan(n) for n in scans)}: {read:,} rows{', sorted' if sorted_ else ''}; "
        f"{buffers:,} buffers, {explained['Execution Time']:.1f} ms"
    )


def largest_organization_id() -> str:
    """The organization with the most submissions (in a kept database)."""
    from accounts.selectors import all_organization_ids
    from lib.tenancy import organization_context
    from recruiting.models import Submission

    sizes = {}
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            sizes[organization_id] = Submission.objects.count()
    return max(sizes, key=sizes.get)


def run(args, source_url: str) -> str:
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client as TestClient
    from django.utils import timezone

    from accounts.models import Membership, MembershipRole, Organization
    from activity.models import Activity
    from demo.management.commands.seed_scale import Command as SeedScale
    from engagements.models import ClockKind, Nudge, ResponseClock
    from intake.models import ExpectationAgreement
    from integrations.models import ApiKeyScope, WebhookDelivery
    from integrations.services import api_key_create
    from lib.serving import prepare_for_serving
    from lib.tenancy import organization_context
    from recruiting.models import (
        Candidate,
        Client,
        Contact,
        CultureApproval,
        InterviewFeedback,
        Role,
        SkillsReview,
        Stage,
        Submission,
    )

    total_started = time.perf_counter()
    busy_at_start = contention()

    started = time.perf_counter()
    if args.reuse:
        print("Migrating the kept bench database…", flush=True)
        database_migrate()
    else:
        print("Creating and migrating the bench database…", flush=True)
        database_recreate(source_url, args.database)
        database_migrate()
    migrate_seconds = time.perf_counter() - started

    seed = None
    if args.reuse:
        organization_id = largest_organization_id()
    else:
        print("Seeding the scale data set…", flush=True)
        seed = SeedScale()
        call_command(seed, scale=args.scale)
        organization_id = seed.plans[0].organization_id

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]

    def busiest(queryset, field_: str):
        """The row of `field_` (a foreign key) that most of `queryset` refers to, and
        how many refer to it."""
        row = (
            queryset.exclude(**{f"{field_}__isnull": True})
            .values(f"{field_}__public_id")
            .annotate(count=Count("id"))
            .order_by("-count")
            .first()
        )
        return row[f"{field_}__public_id"], row["count"]

    now = timezone.now()
    week_ago, hours_ago = now - timedelta(days=7), now - timedelta(hours=2)
    with organization_context(organization_id):
        slug = Organization.objects.get(id=organization_id).slug
        owner = Membership.objects.get(role=MembershipRole.OWNER)
        _, owner_key = api_key_create(actor=owner, name="bench", scopes=[ApiKeyScope.READ])
        # The client with a hiring-manager login and the most submissions in review.
        busiest_client = (
            Submission.objects.filter(
                stage=Stage.HM_REVIEW, client__memberships__role=MembershipRole.HIRING_MANAGER
            )
            .values("client_id", "client__public_id")
            .annotate(count=Count("id"))
            .order_by("-count")
            .first()
        )
        hiring_manager = Membership.objects.get(
            role=MembershipRole.HIRING_MANAGER, client_id=busiest_client["client_id"]
        )
        _, hm_key = api_key_create(
            actor=owner, name="bench HM", scopes=[ApiKeyScope.READ], acting_as=hiring_manager
        )
        counts = {
            model: model.objects.count()
            for model in (
                Submission,
                Activity,
                ResponseClock,
                Candidate,
                Role,
                Client,
                Contact,
                ExpectationAgreement,
                Nudge,
                SkillsReview,
                CultureApproval,
                InterviewFeedback,
                WebhookDelivery,
            )
        }
        submissions = Submission.objects.all()
        in_review = submissions.filter(stage=Stage.HM_REVIEW)
        in_review_at_busiest = in_review.filter(client_id=busiest_client["client_id"]).count()
        at_busiest = submissions.filter(client_id=busiest_client["client_id"]).count()
        changed_this_week = submissions.filter(updated_at__gte=week_ago).count()
        changed_lately = submissions.filter(updated_at__gte=hours_ago).count()
        in_review = in_review.count()
        activities = Activity.objects.all()
        activity_submission, of_submission = busiest(activities, "submission")
        activity_role, of_role = busiest(activities, "role")
        activity_candidate, of_candidate = busiest(activities, "candidate")
        agreed = activities.filter(verb="agreement.agreed").count()
        activities_this_week = activities.filter(created_at__gte=week_ago).count()
        activities_shared_at_busiest = activities.filter(
            client_id=busiest_client["client_id"], internal=False
        ).count()
        clocks = ResponseClock.objects.all()
        clock_role, clocks_of_role = busiest(clocks, "role")
        open_clocks = clocks.filter(closed_at__isnull=True).count()
        overdue_clocks = clocks.filter(closed_at__isnull=True, due_at__lte=now).count()
        offer_clocks = clocks.filter(kind=ClockKind.OFFER_DECISION).count()

    # As every server process does once the application is loaded (config/wsgi.py).
    prepare_for_serving()
    client = TestClient()

    def url(resource: str, **query) -> str:
        return f"{API}{resource}/?{urlencode({**query, 'limit': PAGE})}"

    def table(model) -> str:
        return model._meta.db_table

    # Other page sizes of each list with rows, to show that the queries do not follow them.
    sized: dict[str, list[Measure]] = {}

    def pages(resource: str, model, *, following: int = 1) -> list[Measure]:
        """The list's first page and, if there are more, `following` pages after it."""
        if counts[model]:
            sized[table(model)] = [
                Measure("", [f"{API}{resource}/?limit={limit}"], owner_key, 0, table(model))
                for limit in (1, 200)
            ]
        first = url(resource)
        found = [Measure(f"`GET {first}`", [first], owner_key, counts[model], table(model))]
        more = next_urls(client, first, owner_key, following)
        if more:
            label = "page 2" if len(more) == 1 else f"pages 2–{len(more) + 1}"
            found.append(
                Measure(
                    f"{resource}, {label} (`next`)", more, owner_key, counts[model], table(model)
                )
            )
        return found

    def filtered(resource: str, model, label: str, matched: int, *, key=None, **query):
        return Measure(
            f"{resource} {label}", [url(resource, **query)], key or owner_key, matched, table(model)
        )

    measures = [
        *pages("submissions", Submission, following=SUBMISSION_NEXT_PAGES),
        filtered(
            "submissions",
            Submission,
            "`?stage=hm_review&client=<id>` (the busiest client)",
            in_review_at_busiest,
            stage=Stage.HM_REVIEW,
            client=busiest_client["client__public_id"],
        ),
        filtered("submissions", Submission, "`?stage=hm_review`", in_review, stage=Stage.HM_REVIEW),
        filtered(
            "submissions",
            Submission,
            "`?updated_since=<7 days ago>`",
            changed_this_week,
            updated_since=week_ago.isoformat(),
        ),
        filtered(
            "submissions",
            Submission,
            "`?updated_since=<2 hours ago>`",
            changed_lately,
            updated_since=hours_ago.isoformat(),
        ),
        filtered(
            "submissions",
            Submission,
            "the same, `&ordering=updated_at`",
            changed_lately,
            updated_since=hours_ago.isoformat(),
            ordering="updated_at",
        ),
        filtered(
            "submissions",
            Submission,
            "with that client's hiring manager's key",
            at_busiest,
            key=hm_key,
        ),
        *pages("activities", Activity),
        filtered(
            "activities",
            Activity,
            "`?submission=<id>`",
            of_submission,
            submission=activity_submission,
        ),
        filtered("activities", Activity, "`?role=<id>`", of_role, role=activity_role),
        filtered(
            "activities",
            Activity,
            "`?candidate=<id>`",
            of_candidate,
            candidate=activity_candidate,
        ),
        filtered(
            "activities",
            Activity,
            "`?verb=agreement.agreed` (none in the last weeks)",
            agreed,
            verb="agreement.agreed",
        ),
        filtered(
            "activities",
            Activity,
            "`?since=<7 days ago>`",
            activities_this_week,
            since=week_ago.isoformat(),
        ),
        filtered(
            "activities",
            Activity,
            "with the hiring manager's key",
            activities_shared_at_busiest,
            key=hm_key,
        ),
        *pages("clocks", ResponseClock),
        filtered("clocks", ResponseClock, "`?open=true`", open_clocks, open="true"),
        filtered("clocks", ResponseClock, "`?overdue=true`", overdue_clocks, overdue="true"),
        filtered(
            "clocks",
            ResponseClock,
            "the same, `&ordering=due_at`",
            overdue_clocks,
            overdue="true",
            ordering="due_at",
        ),
        filtered(
            "clocks",
            ResponseClock,
            "`?kind=offer_decision`",
            offer_clocks,
            kind=ClockKind.OFFER_DECISION,
        ),
        filtered("clocks", ResponseClock, "`?role=<id>`", clocks_of_role, role=clock_role),
        *pages("candidates", Candidate),
        *pages("roles", Role),
        *pages("clients", Client),
        *pages("contacts", Contact),
        *pages("agreements", ExpectationAgreement),
        *pages("nudges", Nudge),
        *pages("skills-reviews", SkillsReview),
        *pages("culture-approvals", CultureApproval),
        *pages("interview-feedback", InterviewFeedback),
        *pages("webhook-deliveries", WebhookDelivery),
    ]
    print(
        f"Timing {args.runs} rounds of {sum(len(m.urls) for m in measures)} requests…",
        flush=True,
    )
    measure(client, measures, runs=args.runs, organization_id=organization_id)
    for group in sized.values():
        measure(client, group, runs=0, organization_id=organization_id)
    for m in measures:
        m.plan = plan_summary(organization_id, list_statement(m.statements, m.table), m.table)
    busy_at_end = contention()
    total_seconds = time.perf_counter() - total_started

    # --- Report ---
    lines = [
        f"### Run of {timezone.localdate().isoformat()}",
        "",
        f"- Machine: {machine()}. Other work on it: {busy_at_start} at the start, "
        f"{busy_at_end} at the end.",
        f"- PostgreSQL {server_version.split()[0]}, shared_buffers {shared_buffers}; "
        f"Python {platform.python_version()}; settings `{os.environ['DJANGO_SETTINGS_MODULE']}` "
        "with DEBUG off.",
        f"- Database {'migrated' if args.reuse else 'created and migrated'} in "
        f"{migrate_seconds:.0f} s. Whole bench: {total_seconds / 60:.1f} minutes.",
        "",
    ]
    if seed is None:
        lines.append("Seeding: not in this run (`--reuse` of a database seeded before).")
    else:
        seed_ok = seed.seconds <= TARGET_SEED_SECONDS
        lines.append(
            f"Seeding (`seed_scale --scale {args.scale:g}`): **{sum(seed.counts.values()):,} "
            f"rows in {seed.seconds:.0f} s** (target ≤ {TARGET_SEED_SECONDS // 60} minutes: "
            f"{'met' if seed_ok else '**missed**'}), VACUUM ANALYZE included: "
            + ", ".join(f"{count:,} {kind}" for kind, count in seed.counts.items())
            + "."
        )
    lines += [
        "",
        f"Requests as `{slug}`'s owner (a read key) unless said otherwise, in the largest "
        f"organization: {counts[Client]:,} clients, {counts[Role]:,} roles, "
        f"{counts[Candidate]:,} candidates, {counts[Submission]:,} submissions, "
        f"{counts[ResponseClock]:,} clocks, {counts[Activity]:,} activities. "
        f"{args.runs} rounds, each timing every URL once (the measures take turns), after "
        f"{WARM_UP} untimed requests per URL. Server time in-process, from the request to "
        f"the rendered response; SQL is the database's share (median of {SQL_RUNS} "
        "requests with their queries captured; Django times queries to the millisecond). "
        "Plan: the list query's `EXPLAIN (ANALYZE, BUFFERS)` as the application role in "
        "the organization's context: how the list's table is read and how many of its rows, "
        "whether they are then sorted, the buffers touched, PostgreSQL's time. Raw: the "
        "floor of the same page in the same process, timed right after each request: its "
        "data queries (the list query and those after it that read the related rows, not "
        "the key's lookups), run again as the application role in the organization's "
        "context, and all their rows encoded as JSON objects by `json.dumps` (median); "
        f"× raw is the request's p50 over it (target ≤ {TARGET_RAW_RATIO}×).",
        "",
        f"| Request (`limit=50`) | Matching | p50 | p95 | max | SQL | Queries | Plan of the "
        f"list query | p95 ≤ {TARGET_P95_MS} ms | Raw | × raw |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|",
    ]
    for m in measures:
        p95 = m.percentile(0.95)
        queries = "/".join(str(q) for q in sorted(set(m.queries)))
        raw = statistics.median(m.raw_times)
        ratio = m.percentile(0.5) / raw
        lines.append(
            f"| {m.label} | {m.matched:,} | {m.percentile(0.5):.1f} ms | {p95:.1f} ms "
            f"| {max(m.times):.1f} ms | {statistics.median(m.sql_ms):.0f} ms | {queries} "
            f"| {m.plan} | {'met' if p95 <= TARGET_P95_MS else '**missed**'} "
            f"| {raw:.1f} ms | {ratio:.1f}{'' if ratio <= TARGET_RAW_RATIO else ' **missed**'} |"
        )
    ratios = [m.percentile(0.5) / statistics.median(m.raw_times) for m in measures]
    lines += [
        "",
        f"Against the raw floor: {sum(r <= TARGET_RAW_RATIO for r in ratios)} of "
        f"{len(measures)} requests within {TARGET_RAW_RATIO}×; from {min(ratios):.1f}× to "
        f"{max(ratios):.1f}×, median {statistics.median(ratios):.1f}×.",
    ]
    varying = [
        name
        for name, group in sized.items()
        if len({q for m in measures + group if m.table == name for q in m.queries}) > 1
    ]
    lines += [
        "",
        "Queries per request do not follow the page size: with `limit=1` and `limit=200` "
        + (
            "every list above makes as many as with 50."
            if not varying
            else f"**not constant** for {', '.join(varying)}."
        )
        + " Not counted: the BEGIN and COMMIT around the key's lookup, and the update of "
        "the key's last-used time, once a minute per key. The first page of submissions "
        "(each statement but transaction control also carries the tenant `set_config` "
        "prefix, not shown):",
        "",
        "```sql",
        *(shorten(statement) for statement in measures[0].statements),
        "```",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = scale_bench_parser(__doc__.split("\n\n")[0], BENCH_DATABASE)
    parser.add_argument("--runs", type=int, default=100, help="timed requests per URL")
    return scale_bench_main(
        parser.parse_args(),
        run,
        make_target="bench-api",
        begin=DOC_BEGIN,
        end=DOC_END,
        # The test client's host allowed, and no throttling of the bench's own key.
        environment={"ALLOWED_HOSTS": "testserver", "API_THROTTLE_RATE": "1000000/minute"},
    )


if __name__ == "__main__":
    sys.exit(main())
