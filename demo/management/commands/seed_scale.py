"""`python manage.py seed_scale`: the benchmarks' data set, in an empty database.

What it builds is in `demo.scale`, one module per part; this runs the organizations a
few at a time, each on a connection of its own, then vacuums as the owner role.
"""

import time
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Membership, MembershipRole
from accounts.selectors import all_organization_ids
from demo.scale.load import all_steps, seed_organization
from demo.scale.progress import Progress
from demo.scale.sizes import ORGANIZATIONS, Plan, plans
from demo.scale.sql import insert_defaults
from integrations.models import ApiKeyScope
from integrations.services import api_key_create
from lib.db_roles import owner_connection
from lib.tenancy import organization_context
from metrics.rebuild import metrics_rebuild


class Command(BaseCommand):
    help = (
        "Build the benchmarks' scale data set (docs/design.md#10-budgets: 20 organizations, "
        "the largest with 150,000 submissions) in an empty database, as the application role "
        "under row-level security."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full sizes (default 1)."
        )
        parser.add_argument(
            "--organizations", type=int, default=ORGANIZATIONS, help="How many (default 20)."
        )
        parser.add_argument(
            "--jobs", type=int, default=2, help="Organizations seeded at once (default 2)."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="First delete every organization and every user, with all their data.",
        )
        parser.add_argument(
            "--api-key",
            action="store_true",
            help="Print a read API key for the largest organization, acting as its owner.",
        )

    def handle(self, *args, scale, organizations, jobs, reset, api_key, **options) -> None:
        if scale <= 0 or organizations < 1 or jobs < 1:
            raise CommandError("--scale, --organizations and --jobs must be positive.")
        started = time.perf_counter()
        if reset:
            self._reset()
        existing = all_organization_ids()
        if existing:
            raise CommandError(
                f"The database has {len(existing)} organizations already; seed_scale fills an "
                "empty one. --reset deletes every organization and user first."
            )
        self.plans = plans(scale=scale, organizations=organizations)
        self.stdout.write(
            f"Seeding {organizations} organizations at scale {scale:g} "
            f"({sum(p.submissions for p in self.plans):,} submissions) with {jobs} connections…"
        )
        live = self.stdout.isatty() and options["verbosity"] >= 1
        progress = Progress(stdout=self.stdout, live=live)
        steps, params = all_steps(), insert_defaults()
        now = timezone.now()
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            # Largest first, so that the longest one starts at once.
            for future in [
                pool.submit(seed_organization, plan, steps, params, now, progress)
                for plan in self.plans
            ]:
                future.result()
        load_seconds = time.perf_counter() - started
        progress.clear()
        self.stdout.write(f"Loaded {progress.rows:,} rows in {load_seconds:.1f} s; rebuilding…")
        # The bulk load bypasses the services and so the events that keep the metrics
        # rollups: they are computed from the raw rows, as `rebuild_metrics` does.
        self.rebuilds = {
            plan.slug: metrics_rebuild(organization_id=plan.organization_id) for plan in self.plans
        }
        rollup_rows = sum(sum(r.rows.values()) for r in self.rebuilds.values())
        largest = self.rebuilds[self.plans[0].slug]
        self.stdout.write(
            f"Rebuilt the metrics ({rollup_rows:,} rows) in "
            f"{sum(r.seconds for r in self.rebuilds.values()):.1f} s, the largest organization "
            f"in {largest.seconds:.1f} s; vacuuming…"
        )
        vacuum_started = time.perf_counter()
        with owner_connection() as owner, owner.cursor() as cursor:
            # Fresh statistics for the planner, and a visibility map for index-only scans.
            cursor.execute("VACUUM ANALYZE")
        self.counts = dict(progress.counts)
        self.seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {progress.rows:,} rows in {self.seconds:.1f} s "
                f"({progress.rows / self.seconds:,.0f} rows/s; vacuum "
                f"{time.perf_counter() - vacuum_started:.1f} s): "
                + ", ".join(f"{count:,} {kind}" for kind, count in self.counts.items())
                + "."
            )
        )
        if api_key:
            self._print_api_key(self.plans[0])

    def _reset(self) -> None:
        with owner_connection() as owner, owner.cursor() as cursor:
            # TRUNCATE is the owner's (the application role may not); CASCADE empties
            # every table that refers to an organization or a user.
            cursor.execute("TRUNCATE accounts_organization, accounts_user CASCADE")
        self.stdout.write("Deleted every organization and user.")

    def _print_api_key(self, plan: Plan) -> None:
        with organization_context(plan.organization_id):
            owner = Membership.objects.get(role=MembershipRole.OWNER)
            _, key = api_key_create(actor=owner, name="seed_scale", scopes=[ApiKeyScope.READ])
        self.stderr.write(f"Read API key for {plan.slug}, acting as its owner (shown once):")
        self.stdout.write(key)
