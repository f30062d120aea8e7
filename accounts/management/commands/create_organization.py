from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = "Create an agency with its owner (created when missing) and print its slug."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="The agency's name.")
        parser.add_argument("--owner-email", required=True, help="The owner's login email.")
        parser.add_argument(
            "--password",
            help="Password for a new owner account; without it the owner sets one "
            "through 'Forgot password'.",
        )
        parser.add_argument("--timezone", default="UTC", help="The agency's timezone.")

    def handle(self, *args, **options) -> None:
        try:
            owner = services.user_get_or_create(
                email=options["owner_email"], password=options["password"]
            )
            organization = services.organization_create(
                name=options["name"], owner=owner, timezone_name=options["timezone"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(organization.slug)
