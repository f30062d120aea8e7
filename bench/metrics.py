"""The metrics at scale: `make bench-metrics`.

Seeds the scale data set (`manage.py seed_scale`, which rebuilds the rollups after its
bulk load and times it), then measures the three budgets of docs/metrics.md:

* every metrics endpoint, as the largest organization's owner and as the hiring
  manager of its busiest client: p50/p95 server time (in-process, Django's test
  `Client`, the whole stack) and the SQL queries of each request;
* the dashboard's pages, signed in as the same two people, the same way;
* the rollup upkeep: the time the metrics handlers add to real writes through the
  services (a submission, a skills review, stage moves), measured inside the handlers
  as they run in the write's transaction, and in the rollups' batched write at the end
  of the service's block;
* `rebuild_metrics` of the largest organization, again on its own.

Like the other benches it works in a database of its own, created, migrated and
dropped here (`--keep` keeps it, `--reuse` measures again in a kept one). `--write`
puts the report into docs/performance.md.

    python -m bench.metrics [--scale 1] [--runs 100] [--writes 200] [--write] [--keep | --reuse]
"""

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlencode

from bench.common import (
    contention,
    database_migrate,
    database_recreate,
    machine,
    scale_bench_main,
    scale_bench_parser,
    without_tenant_prefix,
)

DOC_BEGIN = "<!-- bench-metrics:begin (written by `python -m bench.metrics --write`) -->"
DOC_END = "<!-- bench-metrics:end -->"
BENCH_DATABASE = "rapport_bench_metrics"
WARM_UP = 3
SQL_RUNS = 3
TARGET_P95_MS = 60  # each metrics endpoint at the scale data set
TARGET_PAGE_P95_MS = 150  # the dashboard and scorecard pages
TARGET_PAGE_QUERIES = 15
TARGET_UPKEEP_MS = 2  # p95 added to the write that triggers it
TARGET_REBUILD_S = 60  # the largest organization
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}
LAST_USED_UPDATE = 'UPDATE "accounts_apikey" SET "last_used_at"'


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_requests(requests: list[tuple[str, str, Callable]], runs: int) -> list[dict]:
    """Each (label, url, get) `runs` times, taking turns, after a warm-up; then its
    queries (without transaction control and an API key's last-used update)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fetch(result):
        response = result["get"](result["url"])
        if response.status_code != 200:
            url = result["url"]
            raise RuntimeError(f"GET {url}: {response.status_code} {response.content[:300]}")
        return response

    results = [
        {"label": label, "url": url, "get": get, "times": []} for label, url, get in requests
    ]
    for result in results:
        for _ in range(WARM_UP):
            fetch(result)
    for _ in range(runs):
        for result in results:
            started = time.perf_counter()
            fetch(result)
            result["times"].append((time.perf_counter() - started) * 1000)
    for result in results:
        counts = []
        for _ in range(SQL_RUNS):
            with CaptureQueriesContext(connection) as captured:
                response = fetch(result)
            statements = [without_tenant_prefix(q["sql"]) for q in captured]
            counts.append(
                sum(
                    s not in TRANSACTION_CONTROL and not s.startswith(LAST_USED_UPDATE)
                    for s in statements
                )
            )
        result["queries"] = max(counts)
        result["bytes"] = len(response.content)
    return results


def time_upkeep(organization_id: str, writes: int) -> dict:
    """Real writes through the services in the largest organization, each its own
    transaction, with the time spent in the metrics handlers and in the write of what
    they gathered measured per write."""
    from django.db import transaction

    from accounts.models import Membership, MembershipRole
    from lib import events
    from lib.tenancy import organization_context
    from metrics import rollups
    from recruiting import services
    from recruiting.models import Candidate, Role, RoleStatus, Stage, Submission

    spent = [0.0]

    def timed(handler):
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return handler(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        run.__wrapped__ = handler
        return run

    originals = {name: list(handlers) for name, handlers in events._handlers.items()}
    for handlers in events._handlers.values():
        handlers[:] = [timed(h) if h.__module__ == "metrics.handlers" else h for h in handlers]
    rollup_write = rollups.rollup_write
    rollups.rollup_write = timed(rollup_write)
    samples: dict[str, list[float]] = {"submission": [], "review": [], "move": []}
    totals: dict[str, list[float]] = {"submission": [], "review": [], "move": []}
    try:
        with organization_context(organization_id):
            recruiter = Membership.objects.filter(role=MembershipRole.OWNER).first()
            roles = list(
                Role.objects.filter(status=RoleStatus.OPEN, hiring_manager__user__isnull=False)
                .select_related("client", "agreement")
                .order_by("id")[:writes]
            )
            candidates = list(Candidate.objects.order_by("-id")[: writes * 2])
            made = 0
            for role, candidate in zip(roles * 2, candidates, strict=False):
                if made >= writes:
                    break
                if Submission.objects.filter(role=role, candidate=candidate).exists():
                    continue

                def measured(kind, call):
                    spent[0] = 0.0
                    started = time.perf_counter()
                    with transaction.atomic():
                        result = call()
                    totals[kind].append((time.perf_counter() - started) * 1000)
                    samples[kind].append(spent[0] * 1000)
                    return result

                submission = measured(
                    "submission",
                    lambda role=role, candidate=candidate: services.submission_create(
                        actor=recruiter, role=role, candidate=candidate, pitch="Bench."
                    ),
                )
                made += 1
                manager = Membership.objects.filter(
                    role=MembershipRole.HIRING_MANAGER, client_id=role.client_id
                ).first()
                if manager is not None and submission.stage == Stage.HM_REVIEW:
                    measured(
                        "review",
                        lambda s=submission, m=manager: services.skills_review_submit(
                            actor=m, submission=s, decision="advance"
                        ),
                    )
                measured(
                    "move",
                    lambda s=submission: services.submission_move(
                        actor=recruiter,
                        submission=s,
                        to_stage=Stage.LOST,
                        lost_reason="accepted_other_offer",
                    ),
                )
    finally:
        for name, handlers in originals.items():
            events._handlers[name][:] = handlers
        rollups.rollup_write = rollup_write
    return {"samples": samples, "totals": totals}


def run(args, source_url: str) -> str:
    import django

    django.setup()

    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client as TestClient
    from django.utils import timezone

    from accounts.models import Membership, MembershipRole
    from bench.api import largest_organization_id
    from demo.management.commands.seed_scale import Command as SeedScale
    from integrations.models import ApiKeyScope
    from integrations.services import api_key_create
    from lib.db_roles import owner_connection
    from lib.serving import prepare_for_serving
    from lib.tenancy import organization_context
    from metrics.models import (
        ROLLUPS,
        ClockRollup,
        DelayLoss,
        DurationRollup,
        FeedbackRollup,
        RoleRollup,
        SubmissionRollup,
        TargetPeriod,
    )
    from metrics.rebuild import metrics_rebuild
    from recruiting.models import Stage, Submission

    total_started = time.perf_counter()
    busy_at_start = contention()
    if args.reuse:
        database_migrate()
    else:
        print("Creating and migrating the bench database…", flush=True)
        database_recreate(source_url, args.database)
        database_migrate()
    seed = None
    if args.reuse:
        organization_id = largest_organization_id()
    else:
        print("Seeding the scale data set (and rebuilding its metrics)…", flush=True)
        seed = SeedScale()
        call_command(seed, scale=args.scale)
        organization_id = seed.plans[0].organization_id

    print("Rebuilding the largest organization's metrics again…", flush=True)
    rebuild = metrics_rebuild(organization_id=organization_id)
    # The rebuild replaced every rollup row of the organization. Autovacuum would clear
    # the old ones and refresh the statistics within a minute or so; a machine may run
    # without it, so the bench does it before it measures the reads.
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute(
            "VACUUM ANALYZE "
            + ", ".join(model._meta.db_table for model in (*ROLLUPS, DelayLoss, TargetPeriod))
        )

    with organization_context(organization_id):
        owner = Membership.objects.select_related("user").get(role=MembershipRole.OWNER)
        _, owner_key = api_key_create(actor=owner, name="bench", scopes=[ApiKeyScope.READ])
        busiest = (
            Submission.objects.filter(client__memberships__role=MembershipRole.HIRING_MANAGER)
            .values("client_id", "client__public_id")
            .annotate(count=Count("id"))
            .order_by("-count")
            .first()
        )
        manager = Membership.objects.select_related("user").get(
            role=MembershipRole.HIRING_MANAGER, client_id=busiest["client_id"]
        )
        _, hm_key = api_key_create(
            actor=owner, name="bench HM", scopes=[ApiKeyScope.READ], acting_as=manager
        )
        rows = {
            model.__name__: model.objects.count()
            for model in (
                ClockRollup,
                FeedbackRollup,
                SubmissionRollup,
                RoleRollup,
                DurationRollup,
                DelayLoss,
                TargetPeriod,
            )
        }
        submissions = Submission.objects.count()
        lost = Submission.objects.filter(stage__in=[Stage.LOST, Stage.WITHDRAWN]).count()

        busiest_role = (
            Submission.objects.filter(client_id=busiest["client_id"])
            .values("role__public_id")
            .annotate(count=Count("id"))
            .order_by("-count")
            .first()["role__public_id"]
        )

    prepare_for_serving()
    today = timezone.now().date()

    def api(key: str) -> Callable:
        client = TestClient()
        return lambda url: client.get(url, HTTP_AUTHORIZATION=f"Api-Key {key}")

    def browser(member) -> Callable:
        client = TestClient()
        client.force_login(member.user)
        return client.get

    def url(resource: str, **query) -> str:
        return f"/api/v1/metrics/{resource}/" + (f"?{urlencode(query)}" if query else "")

    year = {
        "from": (today - timedelta(days=364)).isoformat(),
        "to": (today + timedelta(1)).isoformat(),
    }
    as_owner, as_manager = api(owner_key), api(hm_key)
    requests = [
        (f"`/api/v1/metrics/{resource}/` (28 days)", url(resource), as_owner)
        for resource in ("summary", "clients", "contacts", "roles", "trends", "cost-of-delay")
    ]
    requests += [
        (f"`/api/v1/metrics/{resource}/` (365 days)", url(resource, **year), as_owner)
        for resource in ("summary", "clients", "roles", "cost-of-delay")
    ]
    requests.append(
        (
            "`/api/v1/metrics/summary/?client=<busiest>` (365 days)",
            url("summary", client=busiest["client__public_id"], **year),
            as_owner,
        )
    )
    requests += [
        (f"`/api/v1/metrics/{resource}/`, the hiring manager's key", url(resource), as_manager)
        for resource in ("summary", "trends")
    ]
    print(f"Timing {args.runs} rounds of {len(requests)} requests…", flush=True)
    results = time_requests(requests, args.runs)

    owner_pages, manager_pages = browser(owner), browser(manager)
    scorecard = f"/dashboard/clients/{busiest['client__public_id']}/"
    pages = [
        ("`/dashboard/` (4 weeks)", "/dashboard/", owner_pages),
        ("`/dashboard/?window=52`", "/dashboard/?window=52", owner_pages),
        ("`/dashboard/trends/`", "/dashboard/trends/", owner_pages),
        (
            "`/dashboard/clients/`, worst compliance first (4 weeks)",
            "/dashboard/clients/",
            owner_pages,
        ),
        (
            "`/dashboard/clients/?window=52`, worst compliance first",
            "/dashboard/clients/?window=52",
            owner_pages,
        ),
        (
            "`/dashboard/clients/?sort=feedback&window=52`",
            "/dashboard/clients/?sort=feedback&window=52",
            owner_pages,
        ),
        (
            "`/dashboard/cost-of-delay/?window=52`",
            "/dashboard/cost-of-delay/?window=52",
            owner_pages,
        ),
        ("client scorecard, busiest client (4 weeks)", scorecard, owner_pages),
        ("client scorecard, busiest client, 52 weeks", f"{scorecard}?window=52", owner_pages),
        (
            "role metrics, its busiest role, 52 weeks",
            f"/dashboard/roles/{busiest_role}/?window=52",
            owner_pages,
        ),
        ("the hiring manager's home", "/", manager_pages),
        ("the hiring manager's client scorecard", scorecard, manager_pages),
    ]
    print(f"Timing {args.runs} rounds of {len(pages)} pages…", flush=True)
    page_results = time_requests(pages, args.runs)

    print(f"Timing the rollup upkeep of {args.writes} submissions and their answers…", flush=True)
    upkeep = time_upkeep(organization_id, args.writes)
    total_seconds = time.perf_counter() - total_started

    lines = [
        f"### Run of {timezone.localdate().isoformat()}",
        "",
        f"- Machine: {machine()}. Other work on it: {busy_at_start} at the start, "
        f"{contention()} at the end.",
        f"- Python {platform.python_version()}; settings "
        f"`{os.environ['DJANGO_SETTINGS_MODULE']}` with DEBUG off. Whole bench: "
        f"{total_seconds / 60:.1f} minutes.",
        "",
    ]
    if seed is not None:
        largest = seed.rebuilds[seed.plans[0].slug]
        lines.append(
            f"Seeding (`seed_scale --scale {args.scale:g}`) took {seed.seconds:.0f} s, of which "
            f"the metrics rebuild of all {len(seed.plans)} organizations "
            f"{sum(r.seconds for r in seed.rebuilds.values()):.0f} s (the largest "
            f"{largest.seconds:.1f} s)."
        )
    ok = "met" if rebuild.seconds <= TARGET_REBUILD_S else "**missed**"
    lines += [
        f"`rebuild_metrics` of the largest organization ({submissions:,} submissions, "
        f"{lost:,} lost or withdrawn): **{rebuild.seconds:.1f} s** (target ≤ "
        f"{TARGET_REBUILD_S} s: {ok}), writing "
        + ", ".join(f"{count:,} {table}" for table, count in rebuild.rows.items())
        + ".",
        "",
        "Rollup rows of the largest organization: "
        + ", ".join(f"{count:,} {name}" for name, count in rows.items())
        + ".",
        "",
        f"| Request | p50 | p95 | max | Queries | Bytes | p95 ≤ {TARGET_P95_MS} ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        p95 = percentile(result["times"], 0.95)
        lines.append(
            f"| {result['label']} | {statistics.median(result['times']):.1f} ms "
            f"| {p95:.1f} ms | {max(result['times']):.1f} ms | {result['queries']} "
            f"| {result['bytes']:,} | {'met' if p95 <= TARGET_P95_MS else '**missed**'} |"
        )
    lines += [
        "",
        f"The dashboard's pages, signed in (target ≤ {TARGET_PAGE_QUERIES} queries, p95 ≤ "
        f"{TARGET_PAGE_P95_MS} ms):",
        "",
        "| Page | p50 | p95 | max | Queries | Bytes | Met |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for result in page_results:
        p95 = percentile(result["times"], 0.95)
        met = p95 <= TARGET_PAGE_P95_MS and result["queries"] <= TARGET_PAGE_QUERIES
        lines.append(
            f"| {result['label']} | {statistics.median(result['times']):.1f} ms "
            f"| {p95:.1f} ms | {max(result['times']):.1f} ms | {result['queries']} "
            f"| {result['bytes']:,} | {'met' if met else '**missed**'} |"
        )
    lines += [
        "",
        f"Rollup upkeep: the time spent in the metrics handlers and their batched write "
        f"inside each write's transaction (target p95 ≤ {TARGET_UPKEEP_MS} ms), next to "
        "the whole write:",
        "",
        "| Write | Writes | Upkeep p50 | Upkeep p95 | Whole write p50 | Met |",
        "|---|---:|---:|---:|---:|---|",
    ]
    labels = {
        "submission": "`submission_create` (its HM review clock opens)",
        "review": "`skills_review_submit`, advance (a clock closes, the next opens)",
        "move": "`submission_move` to lost (clocks cancelled, cost of delay)",
    }
    for kind, samples in upkeep["samples"].items():
        if not samples:
            continue
        p95 = percentile(samples, 0.95)
        lines.append(
            f"| {labels[kind]} | {len(samples)} | {statistics.median(samples):.2f} ms "
            f"| {p95:.2f} ms | {statistics.median(upkeep['totals'][kind]):.1f} ms "
            f"| {'met' if p95 <= TARGET_UPKEEP_MS else '**missed**'} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = scale_bench_parser(__doc__.split("\n\n")[0], BENCH_DATABASE)
    parser.add_argument("--runs", type=int, default=100, help="timed requests per URL")
    parser.add_argument("--writes", type=int, default=200, help="submissions for the upkeep")
    return scale_bench_main(
        parser.parse_args(),
        run,
        make_target="bench-metrics",
        begin=DOC_BEGIN,
        end=DOC_END,
        # The test client's host allowed, and no throttling of the bench's own key.
        environment={"ALLOWED_HOSTS": "testserver", "API_THROTTLE_RATE": "1000000/minute"},
    )


if __name__ == "__main__":
    sys.exit(main())
