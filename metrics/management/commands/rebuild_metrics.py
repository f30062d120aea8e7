"""`python manage.py rebuild_metrics [--org SLUG]`: recompute the metrics rollups from
the raw rows, for every organization or one, each in its own tenant context."""

from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import all_organization_ids, organization_by_slug
from metrics.rebuild import metrics_rebuild


class Command(BaseCommand):
    help = (
        "Recompute every metrics rollup from the raw rows (docs/metrics.md), for every "
        "organization or the one named by --org."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", metavar="SLUG", help="Only this organization.")

    def handle(self, *args, org=None, **options) -> None:
        if org:
            organization = organization_by_slug(slug=org)
            if organization is None:
                raise CommandError(f"No organization has the slug {org!r}.")
            organization_ids = [str(organization.id)]
        else:
            organization_ids = all_organization_ids()
        for organization_id in organization_ids:
            report = metrics_rebuild(organization_id=organization_id)
            rows = ", ".join(f"{count:,} {table}" for table, count in report.rows.items())
            self.stdout.write(f"{organization_id}: {rows} in {report.seconds:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {len(organization_ids)} organizations."))
