from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import ADMIN_ROLES, Membership
from accounts.selectors import organization_by_slug
from integrations.services import api_key_create
from lib.tenancy import organization_context


class Command(BaseCommand):
    help = (
        "Create an API key for an organization and print it once. The key acts as the "
        "member given by --as (an owner by default)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--org", required=True, help="The organization's slug.")
        parser.add_argument("--name", required=True, help="What the key is for.")
        parser.add_argument(
            "--scopes",
            default="read",
            help="Comma-separated: read, write, admin (the security log only; for a key "
            "acting as an owner or admin). Default: read.",
        )
        parser.add_argument("--as", dest="acting_as", help="Email of the member the key acts as.")
        parser.add_argument(
            "--expires-in-days",
            type=int,
            help="The key stops working after this many days (default: until revoked).",
        )
        parser.add_argument(
            "--allow",
            default="",
            help="Comma-separated addresses or CIDR networks the key may be used from "
            "(default: any).",
        )

    def handle(
        self,
        *args,
        org: str,
        name: str,
        scopes: str,
        acting_as: str | None,
        expires_in_days: int | None = None,
        allow: str = "",
        **options,
    ):
        organization = organization_by_slug(slug=org)
        if organization is None:
            raise CommandError(f"No organization with the slug {org!r}.")
        with organization_context(organization.id):
            members = Membership.objects.select_related("user").order_by("created_at")
            admin = members.filter(role__in=ADMIN_ROLES).first()
            if admin is None:
                raise CommandError(f"{organization} has no owner or admin to issue the key.")
            member = admin
            if acting_as:
                member = members.filter(user__email__iexact=acting_as).first()
                if member is None:
                    raise CommandError(f"{acting_as} is not a member of {organization}.")
            try:
                api_key, key = api_key_create(
                    actor=admin,
                    name=name,
                    scopes=[scope.strip() for scope in scopes.split(",") if scope.strip()],
                    acting_as=member,
                    expires_at=(
                        timezone.now() + timedelta(days=expires_in_days)
                        if expires_in_days is not None
                        else None
                    ),
                    allowed_networks=[entry for entry in allow.split(",") if entry.strip()],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(
            f"Created {api_key} for {organization}, acting as {member.user.email} "
            f"({member.get_role_display()}), scopes {', '.join(api_key.scopes)}. "
            "The key is shown only now:"
        )
        self.stdout.write(key)
