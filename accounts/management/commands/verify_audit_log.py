"""`verify_audit_log`: recompute each organization's security-log hash chain."""

from django.core.management.base import BaseCommand, CommandError

from accounts import selectors
from accounts.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the hash chain of the security log of every organization (or of one) "
        "and fail naming the first row that does not follow from the one before it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organization", help="Only this organization (its slug).")

    def handle(self, *args, **options) -> None:
        if options["organization"]:
            organization = selectors.organization_by_slug(slug=options["organization"])
            if organization is None:
                raise CommandError(f"No organization has the slug {options['organization']!r}.")
            organizations = [(organization.id, organization.slug)]
        else:
            organizations = [
                (organization_id, selectors.organization_slug(organization_id=organization_id))
                for organization_id in selectors.all_organization_ids()
            ]
        broken = []
        for organization_id, slug in organizations:
            checked, chain_break = verify_chain(organization_id)
            if chain_break is None:
                self.stdout.write(f"{slug}: {checked} events, chain intact")
                continue
            message = (
                f"{slug}: row {chain_break.sequence} (id {chain_break.public_id}) is broken: "
                f"{chain_break.reason}; {checked} rows before it are intact"
            )
            self.stderr.write(message)
            broken.append(message)
        if broken:
            raise CommandError(f"The security log is broken in {len(broken)} organization(s).")
