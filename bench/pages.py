"""Every page at scale: `make bench-pages`.

Seeds the scale data set (`manage.py seed_scale`), then renders every server-rendered
page as each kind of member reads it (a recruiter, the owner for the settings pages,
the hiring manager and HR of a client with both logins), in the largest organization
and in the smallest, side by side: the same page of the same kind of object (the
client with the most submissions among those with client logins, its open role with
the most submissions, that role's newest submission in review, its candidate…). One
more role of the largest organization is grown to 2,000 submissions (a realistic stage
mix, with the open stages' response clocks) and its pages are put next to the
smallest organization's role.

Each request goes through the whole stack in-process (Django's test `Client`: the
middleware, the session, the tenant context, the view, the templates, PostgreSQL as
the application role) with DEBUG off; the time is the server's, without a network.
The pages take turns, so that other work on the machine weighs on all of them alike;
a page stops being timed once it has had its runs or its share of time (`--seconds`)
after at least MIN_RUNS. Then the queries of each page are counted on further
requests, as bench/metrics.py counts them. The report is printed; `--write` also
puts it into docs/performance.md.

Like the other benches it works in a database of its own, created, migrated and
dropped here (`--keep` keeps it, `--reuse` measures again in a kept one, migrated to
the current code; `--database` names another, e.g. a copy of a seeded one).

    python -m bench.pages [--scale 1] [--runs 15] [--seconds 10] [--write] [--keep | --reuse]
"""

import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field

from bench.common import (
    contention,
    database_migrate,
    database_recreate,
    machine,
    scale_bench_main,
    scale_bench_parser,
    without_tenant_prefix,
)

DOC_BEGIN = "<!-- bench-pages:begin (written by `python -m bench.pages --write`) -->"
DOC_END = "<!-- bench-pages:end -->"
BENCH_DATABASE = "rapport_bench_pages"
SQL_RUNS = 2  # requests per page whose queries are captured (not timed)
MIN_RUNS = 3  # timed requests of a page, whatever its time
GROWN_ROLE_SUBMISSIONS = 2_000
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}

# The budgets of every page (issue "every page and API list fast at any size").
TARGET_QUERIES = 15
TARGET_P95_MS = 100
TARGET_KB = 150
TARGET_RATIO = 2  # the largest organization's p50 against the smallest's
# The search in the header, at 50,000 candidates (docs/design.md#10-budgets).
SEARCH_P95_MS = 50

# The pages, by who reads them. `{client}`, `{role}`… are the public ids of the
# objects picked in each organization (see `Cast`).
AGENCY_PAGES = [
    ("home", "/"),
    ("clients", "/clients/"),
    ("client", "/clients/{client}/"),
    ("new client form", "/clients/new/"),
    ("client edit form", "/clients/{client}/edit/"),
    ("new contact form", "/clients/{client}/contacts/new/"),
    ("contact edit form", "/contacts/{contact}/edit/"),
    ("roles (open)", "/roles/"),
    ("roles (all)", "/roles/?status=all"),
    ("role", "/roles/{role}/"),
    ("role, list view", "/roles/{role}/?view=list"),
    ("new role form", "/clients/{client}/roles/new/"),
    ("role edit form", "/roles/{role}/edit/"),
    ("submit-candidate form", "/roles/{role}/submit/"),
    ("submission", "/submissions/{submission}/"),
    ("candidates", "/candidates/"),
    ("candidates, search by surname", "/candidates/?q={surname}"),
    ("candidates, tagged, newest first", "/candidates/?tag=python&sort=-added"),
    ("submissions, longest waiting", "/submissions/"),
    (
        "submissions of a client, newest",
        "/submissions/?stage=all&sort=-submitted&client={client_name}",
    ),
    ("roles, high priority, newest", "/roles/?priority=high&sort=-opened"),
    ("search, surname", "/search/?q={surname}"),
    ("search list in the header, surname", "/search/preview/?q={surname}"),
    ("new candidate form", "/candidates/new/"),
    ("candidate", "/candidates/{candidate}/"),
    ("candidate edit form", "/candidates/{candidate}/edit/"),
    ("intake form", "/roles/{role}/intake/"),
    ("agreement", "/roles/{role}/agreement/"),
    ("agreement revision form", "/roles/{role}/agreement/revise/"),
    ("check-in form", "/roles/{role}/check-ins/new/"),
    ("notifications", "/notifications/"),
    ("dashboard", "/dashboard/"),
    ("dashboard trends", "/dashboard/trends/"),
    ("client scorecards", "/dashboard/clients/"),
    ("client scorecard", "/dashboard/clients/{client}/"),
    ("weekly report preview", "/dashboard/clients/{client}/weekly-report/"),
    ("role metrics", "/dashboard/roles/{role}/"),
    ("cost of delay", "/dashboard/cost-of-delay/"),
]
OWNER_PAGES = [
    ("home", "/"),
    ("organization settings", "/settings/organization/"),
    ("members", "/settings/members/"),
    ("API keys", "/settings/api-keys/"),
    ("nudge policy", "/settings/nudges/"),
    ("a client's nudge policy", "/settings/nudges/?client={client}"),
    ("webhooks", "/settings/webhooks/"),
    ("webhook and its delivery log", "/settings/webhooks/{endpoint}/"),
    ("webhook delivery", "/settings/webhooks/deliveries/{delivery}/"),
]
CLIENT_PAGES = [
    ("home", "/"),
    ("search, surname", "/search/?q={surname}"),
    ("search list in the header, surname", "/search/preview/?q={surname}"),
    ("submissions, longest waiting", "/submissions/"),
    ("company (clients)", "/clients/"),
    ("client", "/clients/{client}/"),
    ("roles (open)", "/roles/"),
    ("role", "/roles/{role}/"),
    ("submission", "/submissions/{submission}/"),
    ("candidate", "/candidates/{candidate}/"),
    ("agreement", "/roles/{role}/agreement/"),
    ("notifications", "/notifications/"),
    ("client scorecard", "/dashboard/clients/{client}/"),
    ("role metrics", "/dashboard/roles/{role}/"),
]
# Asked for by htmx (a fragment; a plain GET is sent on to the whole page).
HTMX_PATHS = ("/search/preview/",)
HM_PAGES = [*CLIENT_PAGES[:1], ("review queue", "/review-queue/"), *CLIENT_PAGES[1:]]
HR_PAGES = [*CLIENT_PAGES[:1], ("approvals queue", "/approvals/"), *CLIENT_PAGES[1:]]
# The grown role, next to the smallest organization's role (`{role}` there).
GROWN_PAGES = [
    ("recruiter", "role", "/roles/{grown_role}/"),
    ("recruiter", "role, list view", "/roles/{grown_role}/?view=list"),
    ("recruiter", "submit-candidate form", "/roles/{grown_role}/submit/"),
    ("hiring manager", "role", "/roles/{grown_role}/"),
]


@dataclass
class Cast:
    """Who reads the pages of one organization, and the objects they read."""

    slug: str
    sizes: dict[str, int]
    members: dict[str, object]  # "recruiter", "owner", "hiring manager", "hr" -> Membership
    ids: dict[str, str]  # the URLs' placeholders -> public ids (and the surname searched)
    notes: dict[str, int] = field(default_factory=dict)  # sizes of the picked objects


@dataclass
class Timed:
    """One page on one side: its URL, as whom, and what was measured."""

    url: str
    get: object
    times: list[float] = field(default_factory=list)
    queries: int = 0
    sql_ms: float = 0.0
    size: int = 0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


@dataclass
class Page:
    label: str
    reader: str
    sides: dict[str, Timed]
    grown: bool = False


# --- The data -------------------------------------------------------------------------


def organization_ids_by_size() -> list[str]:
    """Every organization, the one with the fewest submissions first."""
    from accounts.selectors import all_organization_ids
    from lib.tenancy import organization_context
    from recruiting.models import Submission

    sizes = {}
    for organization_id in all_organization_ids():
        with organization_context(organization_id):
            sizes[organization_id] = Submission.objects.count()
    return sorted(sizes, key=sizes.get)


def busiest(queryset, field_: str):
    """The value of `field_` most of `queryset`'s rows have, and how many have it."""
    from django.db.models import Count

    row = queryset.values(field_).annotate(count=Count("id")).order_by("-count", field_).first()
    return (row[field_], row["count"]) if row else (None, 0)


def cast_of(organization_id: str, *, grow: bool) -> Cast:
    """The organization's readers and objects; with `grow`, also a role of another
    client with logins grown to GROWN_ROLE_SUBMISSIONS submissions (once)."""
    from accounts.models import Membership, MembershipRole, Organization
    from integrations.models import WebhookDelivery, WebhookEndpoint
    from lib.tenancy import organization_context
    from recruiting.models import Candidate, Client, Role, RoleStatus, Stage, Submission

    with organization_context(organization_id):
        organization = Organization.objects.get(id=organization_id)
        with_logins = Submission.objects.filter(
            client__memberships__role=MembershipRole.HIRING_MANAGER
        )
        # A role grown in an earlier run (a kept database) is measured as such only:
        # its client would otherwise be the busiest.
        grown = role_grown_before() if grow else None
        if grown is not None:
            with_logins = with_logins.exclude(client_id=grown.client_id)
        client_id, client_submissions = busiest(with_logins, "client_id")
        client = Client.objects.get(id=client_id)
        open_roles = Submission.objects.filter(client=client, role__status=RoleStatus.OPEN)
        role_id, role_submissions = busiest(open_roles, "role_id")
        role = Role.objects.select_related("hiring_manager").get(id=role_id)
        in_role = Submission.objects.filter(role=role).select_related("candidate")
        submission = (
            in_role.filter(stage=Stage.HM_REVIEW).order_by("-created_at").first()
            or in_role.order_by("-created_at").first()
        )
        owner = Membership.objects.filter(role=MembershipRole.OWNER).order_by("id").first()
        recruiter = (
            Membership.objects.filter(id=client.owner_id, role=MembershipRole.RECRUITER).first()
            or Membership.objects.filter(role=MembershipRole.RECRUITER).order_by("id").first()
        )
        members = {
            "recruiter": recruiter,
            "owner": owner,
            "hiring manager": Membership.objects.get(
                role=MembershipRole.HIRING_MANAGER, client=client
            ),
            "HR": Membership.objects.get(role=MembershipRole.HR, client=client),
        }
        endpoint, delivery = webhook_with_delivery(owner)
        ids = {
            "client": client.public_id,
            "client_name": client.name,
            "contact": role.hiring_manager.public_id,
            "role": role.public_id,
            "submission": submission.public_id,
            "candidate": submission.candidate.public_id,
            "surname": submission.candidate.full_name.split()[-1],
            "endpoint": endpoint.public_id,
            "delivery": delivery.public_id,
        }
        notes = {
            "client submissions": client_submissions,
            "role submissions": role_submissions,
        }
        if grow:
            grown = grown or role_grow(exclude_client=client)
            ids["grown_role"] = grown.public_id
            members["grown hiring manager"] = Membership.objects.get(
                role=MembershipRole.HIRING_MANAGER, client_id=grown.client_id
            )
            notes["grown role submissions"] = Submission.objects.filter(role=grown).count()
        sizes = {
            "clients": Client.objects.count(),
            "roles": Role.objects.count(),
            "candidates": Candidate.objects.count(),
            "submissions": Submission.objects.count(),
            "webhook deliveries": WebhookDelivery.objects.count(),
            "webhook endpoints": WebhookEndpoint.objects.count(),
        }
        members = {
            name: Membership.objects.select_related("user").get(id=member.id)
            for name, member in members.items()
        }
    return Cast(slug=organization.slug, sizes=sizes, members=members, ids=ids, notes=notes)


def webhook_with_delivery(owner):
    """The organization's first webhook endpoint and its newest delivery; made if the
    seed gave it none (only the largest organization has one): an endpoint through the
    service, and one delivery of the newest stage change, as the outbox writes it but
    not enqueued (nothing is sent)."""
    from activity.models import Activity
    from integrations.models import WebhookDelivery, WebhookEndpoint
    from integrations.services.webhooks import webhook_endpoint_create, webhook_event_body

    endpoint = WebhookEndpoint.objects.order_by("created_at", "id").first()
    if endpoint is None:
        endpoint, _ = webhook_endpoint_create(
            actor=owner,
            url="https://93.184.215.14/rapport-bench",  # an address literal: no DNS
            event_types=["submission.stage_changed"],
            description="bench",
        )
    delivery = endpoint.deliveries.order_by("-created_at", "-id").first()
    if delivery is None:
        activity = (
            Activity.objects.filter(verb="submission.stage_changed")
            .order_by("-created_at", "-id")
            .first()
        )
        delivery = WebhookDelivery.objects.create(
            organization_id=endpoint.organization_id,
            endpoint=endpoint,
            activity=activity,
            event_type=activity.verb,
            body=webhook_event_body(activity=activity),
        )
    return endpoint, delivery


def role_grown_before():
    """The role with GROWN_ROLE_SUBMISSIONS submissions or more, if there is one."""
    from recruiting.models import Role, Submission

    role_id, count = busiest(Submission.objects.all(), "role_id")
    return Role.objects.get(id=role_id) if count >= GROWN_ROLE_SUBMISSIONS else None


def role_grow(*, exclude_client):
    """The busiest open role of another client with client logins, grown to
    GROWN_ROLE_SUBMISSIONS submissions."""
    from accounts.models import MembershipRole
    from recruiting.models import Role, RoleStatus, Submission

    others = Submission.objects.filter(
        role__status=RoleStatus.OPEN,
        client__memberships__role=MembershipRole.HIRING_MANAGER,
    ).exclude(client=exclude_client)
    role_id, count = busiest(others, "role_id")
    role = Role.objects.get(id=role_id)
    print(f"Growing a role from {count:,} to {GROWN_ROLE_SUBMISSIONS:,} submissions…")
    submissions_add(role, GROWN_ROLE_SUBMISSIONS - count)
    return role


def submissions_add(role, missing: int) -> None:
    """`missing` submissions of candidates not yet put forward for the role, in the
    seed's stage mix, dated over the role's life (the open ones in the last ten days),
    with the response clock each open stage owes (as seed_scale opens them)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from demo.scale.sql import insert_defaults, insert_select
    from demo.scale.submissions import STAGE_MIX
    from engagements.models import ResponseClock
    from recruiting.models import Submission

    stage = " ".join(f"WHEN d.pick < {share} THEN '{name}'" for name, share in STAGE_MIX)
    open_stages = "('submitted', 'hm_review', 'interviewing', 'offer')"
    submissions = insert_select(
        Submission,
        {
            "created_at": "s.at",
            "updated_at": "s.changed",
            "public_id": "gen_random_uuid()",
            "pitch": "'Strong match for ' || %(title)s || ': shipped similar work.'",
            "skills_summary": "'[]'::jsonb",
            "culture_fit_notes": "CASE WHEN s.stage = 'submitted' "
            "THEN 'Calm under pressure; prefers small teams.' ELSE '' END",
            "culture_status": "CASE WHEN s.stage = 'submitted' THEN 'pending' "
            "ELSE 'not_required' END",
            "stage": "s.stage",
            "stage_changed_at": "s.changed",
            "lost_reason": "CASE WHEN s.stage = 'lost' THEN 'compensation' ELSE '' END",
            "closing_note": """CASE s.stage WHEN 'rejected' THEN 'Not enough depth.'
                WHEN 'withdrawn' THEN 'Accepted a counter-offer.' ELSE '' END""",
            "candidate_id": "s.candidate_id",
            "client_id": "%(client)s",
            "role_id": "%(role)s",
            "submitted_by_id": "%(owner)s",
            "organization_id": "%(org)s",
        },
        f"""FROM (
            SELECT d.*, d.at + d.b * (%(now)s - d.at) AS changed
            FROM (
                SELECT d.*, CASE WHEN d.stage IN {open_stages}
                        THEN greatest(d.since, %(now)s - d.a * interval '10 days')
                        ELSE d.since + d.a * (%(now)s - interval '1 day' - d.since) END AS at
                FROM (
                    SELECT d.*, CASE {stage} END AS stage
                    FROM (
                        SELECT c.id AS candidate_id, random() AS pick, random() AS a,
                            random() AS b, greatest(c.created_at, %(role_created)s) AS since
                        FROM recruiting_candidate c
                        WHERE c.organization_id = %(org)s AND c.consent_to_represent
                          AND NOT EXISTS (SELECT 1 FROM recruiting_submission t
                                          WHERE t.role_id = %(role)s AND t.candidate_id = c.id)
                        ORDER BY c.id
                        LIMIT %(missing)s
                    ) AS d
                ) AS d
            ) AS d
        ) AS s""",  # noqa: S608 - constants of this module and the seed's; values are parameters
    )
    clocks = insert_select(
        ResponseClock,
        {
            "created_at": "s.stage_changed_at",
            "updated_at": "s.stage_changed_at",
            "public_id": "gen_random_uuid()",
            "kind": "k.kind",
            "owed_by": "k.owed_by",
            "stage_name": "k.stage_name",
            "opened_at": "s.stage_changed_at",
            "sla_hours": "k.sla_hours",
            "sla_due_at": "s.stage_changed_at + k.sla_hours * interval '3 hours'",
            "due_at": "s.stage_changed_at + k.sla_hours * interval '3 hours'",
            "outcome": "''",
            "nudge_level": "0",
            "next_nudge_at": "s.stage_changed_at + k.sla_hours * interval '3 hours'",
            "client_id": "s.client_id",
            "role_id": "s.role_id",
            "submission_id": "s.id",
            "organization_id": "%(org)s",
        },
        """FROM recruiting_submission s
           JOIN (VALUES ('submitted', 'hr_approval', 'hr', '', 16),
                        ('hm_review', 'hm_review', 'hiring_manager', '', 16),
                        ('interviewing', 'interview_feedback', 'hiring_manager',
                         'Technical interview', 24),
                        ('offer', 'offer_decision', 'hiring_manager', '', 48))
               AS k (stage, kind, owed_by, stage_name, sla_hours) ON k.stage = s.stage
           WHERE s.role_id = %(role)s AND s.id > %(last_id)s""",
    )
    params = {
        **insert_defaults(),
        "org": str(role.organization_id),
        "client": role.client_id,
        "role": role.id,
        "owner": role.owner_id,
        "title": role.title,
        "role_created": role.created_at,
        "missing": missing,
        "now": timezone.now(),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM recruiting_submission")
        params["last_id"] = cursor.fetchone()[0]
        cursor.execute(submissions, params)
        cursor.execute(clocks, params)


# --- Timing ---------------------------------------------------------------------------


def signed_in(membership):
    """A test client signed in as the member, their organization active; its `get`."""
    from django.test import Client as TestClient

    from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY

    client = TestClient()
    client.force_login(membership.user)
    session = client.session
    session[ACTIVE_ORGANIZATION_SESSION_KEY] = str(membership.organization_id)
    session.save()
    return client.get


def htmx(get):
    """`get` as htmx asks for a fragment."""
    return lambda url: get(url, headers={"HX-Request": "true"})


def fetch(timed: Timed):
    response = timed.get(timed.url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {timed.url}: {response.status_code} {response.content[:300]}")
    return response


def measure(pages: list[Page], *, runs: int, seconds: float) -> None:
    """Every page on each side in turn, `runs` times or until it has spent `seconds`
    (after MIN_RUNS), after one untimed request; then its queries, size and SQL time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    everything = [timed for page in pages for timed in page.sides.values()]
    for timed in everything:
        fetch(timed)
    pending = list(everything)
    for _ in range(runs):
        for timed in list(pending):
            started = time.perf_counter()
            fetch(timed)
            timed.times.append((time.perf_counter() - started) * 1000)
            if len(timed.times) >= MIN_RUNS and sum(timed.times) >= seconds * 1000:
                pending.remove(timed)
    for timed in everything:
        counts, sql_ms = [], []
        for _ in range(SQL_RUNS):
            with CaptureQueriesContext(connection) as captured:
                response = fetch(timed)
            statements = [without_tenant_prefix(query["sql"]) for query in captured]
            counts.append(sum(s not in TRANSACTION_CONTROL for s in statements))
            sql_ms.append(sum(float(query["time"]) for query in captured) * 1000)
        timed.queries = max(counts)
        timed.sql_ms = statistics.median(sql_ms)
        timed.size = len(response.content)


def pages_of(casts: dict[str, Cast]) -> list[Page]:
    readers = {
        "recruiter": AGENCY_PAGES,
        "owner": OWNER_PAGES,
        "hiring manager": HM_PAGES,
        "HR": HR_PAGES,
    }
    gets = {
        (side, name): signed_in(member)
        for side, cast in casts.items()
        for name, member in cast.members.items()
    }
    pages = [
        Page(
            label=label,
            reader=reader,
            sides={
                side: Timed(
                    url=path.format(**cast.ids),
                    get=htmx(gets[side, reader])
                    if path.startswith(HTMX_PATHS)
                    else gets[side, reader],
                )
                for side, cast in casts.items()
            },
        )
        for reader, paths in readers.items()
        for label, path in paths
    ]
    for reader, label, path in GROWN_PAGES:
        largest_reader = "grown hiring manager" if reader == "hiring manager" else reader
        pages.append(
            Page(
                label=f"{label}, grown to {GROWN_ROLE_SUBMISSIONS:,} submissions",
                reader=reader,
                sides={
                    "small": Timed(
                        url=path.replace("grown_role", "role").format(**casts["small"].ids),
                        get=gets["small", reader],
                    ),
                    "largest": Timed(
                        url=path.format(**casts["largest"].ids),
                        get=gets["largest", largest_reader],
                    ),
                },
                grown=True,
            )
        )
    return pages


# --- Report ---------------------------------------------------------------------------


def missed(page: Page) -> list[str]:
    """The budgets the page misses on either side."""
    small, largest = page.sides["small"], page.sides["largest"]
    found = []
    if max(small.queries, largest.queries) > TARGET_QUERIES:
        found.append("queries")
    target = SEARCH_P95_MS if page.label.startswith("search") else TARGET_P95_MS
    if max(small.percentile(0.95), largest.percentile(0.95)) > target:
        found.append("p95")
    if max(small.size, largest.size) > TARGET_KB * 1024:
        found.append("size")
    if ratio(page) > TARGET_RATIO:
        found.append("×")
    return found


def ratio(page: Page) -> float:
    return statistics.median(page.sides["largest"].times) / statistics.median(
        page.sides["small"].times
    )


def kilobytes(size: int) -> str:
    return f"{size / 1024:,.1f}" if size < 10 * 1024 else f"{size / 1024:,.0f}"


def report(args, casts: dict[str, Cast], pages: list[Page], context: dict) -> str:
    from django.utils import timezone

    small, largest = casts["small"], casts["largest"]

    def sizes(cast: Cast) -> str:
        return ", ".join(f"{count:,} {name}" for name, count in cast.sizes.items())

    lines = [
        f"### Run of {timezone.localdate().isoformat()}",
        "",
        f"- Machine: {machine()}. Other work on it: {context['busy_at_start']} at the start, "
        f"{context['busy_at_end']} at the end.",
        f"- Python {platform.python_version()}; settings "
        f"`{os.environ['DJANGO_SETTINGS_MODULE']}` with DEBUG off. Whole bench: "
        f"{context['seconds'] / 60:.1f} minutes"
        + (
            f", of which seeding {context['seed_seconds'] / 60:.1f}."
            if context["seeded"]
            else " (`--reuse` of a database seeded before, not seeded again)."
        )
        + f" Up to {args.runs} timed requests per page and side, fewer once a page has spent "
        f"{args.seconds:g} s (at least {MIN_RUNS}): the runs column.",
        f"- Largest organization (`{largest.slug}`): {sizes(largest)}; its client "
        f"{largest.notes['client submissions']:,} submissions, its role "
        f"{largest.notes['role submissions']:,}, the grown role "
        f"{largest.notes['grown role submissions']:,}.",
        f"- Smallest organization (`{small.slug}`): {sizes(small)}; its client "
        f"{small.notes['client submissions']:,} submissions, its role "
        f"{small.notes['role submissions']:,}.",
        "",
        f"Budgets: ≤ {TARGET_QUERIES} queries, p95 ≤ {TARGET_P95_MS} ms (≤ {SEARCH_P95_MS} ms "
        f"for the search), ≤ {TARGET_KB} KB of HTML on both sides, and the largest "
        f"organization's p50 within {TARGET_RATIO}× the smallest's (×). Times in ms; SQL is "
        "the database's share of the largest organization's request (median of "
        f"{SQL_RUNS} requests with their queries captured).",
        "",
        "| Page | As | Queries | p50 small | p95 small | p50 largest | p95 largest | SQL "
        "| KB small | KB largest | × | Runs | Budgets |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in pages:
        s, big = page.sides["small"], page.sides["largest"]
        queries = str(s.queries) if s.queries == big.queries else f"{s.queries} / {big.queries}"
        runs = (
            str(len(s.times))
            if len(s.times) == len(big.times)
            else (f"{len(s.times)} / {len(big.times)}")
        )
        misses = missed(page)
        lines.append(
            f"| {page.label} | {page.reader} | {queries} "
            f"| {statistics.median(s.times):,.1f} | {s.percentile(0.95):,.1f} "
            f"| {statistics.median(big.times):,.1f} | {big.percentile(0.95):,.1f} "
            f"| {big.sql_ms:,.0f} | {kilobytes(s.size)} | {kilobytes(big.size)} "
            f"| {ratio(page):.1f} | {runs} "
            f"| {'met' if not misses else '**missed**: ' + ', '.join(misses)} |"
        )
    met = sum(not missed(page) for page in pages)
    lines += [
        "",
        f"**{met} of {len(pages)} pages meet every budget.** Queries: where the two sides "
        "differ, small / largest. Not counted: transaction control. Each statement also "
        "carries the tenant `set_config` prefix.",
    ]
    return "\n".join(lines)


def run(args, source_url: str) -> str:
    import django

    django.setup()

    from django.core.management import call_command

    from demo.management.commands.seed_scale import Command as SeedScale
    from lib.serving import prepare_for_serving

    total_started = time.perf_counter()
    busy_at_start = contention()
    if args.reuse:
        print("Migrating the kept bench database…", flush=True)
        database_migrate()
    else:
        print("Creating and migrating the bench database…", flush=True)
        database_recreate(source_url, args.database)
        database_migrate()
    seed_seconds = 0.0
    if not args.reuse:
        print("Seeding the scale data set…", flush=True)
        started = time.perf_counter()
        call_command(SeedScale(), scale=args.scale)
        seed_seconds = time.perf_counter() - started

    by_size = organization_ids_by_size()
    casts = {
        "small": cast_of(by_size[0], grow=False),
        "largest": cast_of(by_size[-1], grow=True),
    }
    # As every server process does once the application is loaded (config/wsgi.py).
    prepare_for_serving()
    pages = pages_of(casts)
    print(f"Timing {len(pages)} pages on both sides, up to {args.runs} rounds…", flush=True)
    measure(pages, runs=args.runs, seconds=args.seconds)
    context = {
        "busy_at_start": busy_at_start,
        "busy_at_end": contention(),
        "seconds": time.perf_counter() - total_started,
        "seeded": not args.reuse,
        "seed_seconds": seed_seconds,
    }
    return report(args, casts, pages, context)


def main() -> int:
    parser = scale_bench_parser(__doc__.split("\n\n")[0], BENCH_DATABASE)
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page and side")
    parser.add_argument(
        "--seconds", type=float, default=10, help="time after which a page is timed no more"
    )
    return scale_bench_main(
        parser.parse_args(),
        run,
        make_target="bench-pages",
        begin=DOC_BEGIN,
        end=DOC_END,
        environment={"ALLOWED_HOSTS": "testserver"},
    )


if __name__ == "__main__":
    sys.exit(main())
