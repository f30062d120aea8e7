from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import organization_by_slug
from lib.exceptions import ApplicationError
from lib.tenancy import organization_context
from privacy.models import ErasureVia
from privacy.services import candidate_erase
from recruiting.models import Candidate


class Command(BaseCommand):
    help = (
        "Erase one candidate's personal data (the right to erasure, docs/privacy.md): "
        "the candidate is named by its public id within the organization given by slug."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organization", required=True, help="The organization's slug.")
        parser.add_argument("public_id", help="The candidate's public id (a UUID).")

    def handle(self, *args, organization: str, public_id: str, **options) -> None:
        found = organization_by_slug(slug=organization)
        if found is None:
            raise CommandError(f"No organization with the slug {organization!r}.")
        with organization_context(found.id):
            try:
                candidate = Candidate.objects.get(public_id=public_id)
            except (Candidate.DoesNotExist, ValidationError) as error:
                raise CommandError(f"No candidate {public_id} in {found}.") from error
            try:
                erasure = candidate_erase(actor=None, candidate=candidate, via=ErasureVia.COMMAND)
            except ApplicationError as error:
                raise CommandError(error.message) from error
        self.stdout.write(f"Erased candidate {erasure.candidate_public_id} of {found}.")
