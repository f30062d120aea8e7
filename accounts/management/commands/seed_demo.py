from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import Role
from accounts.selectors import memberships_for_user
from lib.tenancy import user_context

DEMO_PASSWORD = "rapport-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_AGENCY = "Northwind Talent"
DEMO_PEOPLE = [
    ("owner@demo.rapport.test", "Olivia Owner", Role.OWNER),
    ("recruiter@demo.rapport.test", "Ravi Recruiter", Role.RECRUITER),
    ("hm@demo.rapport.test", "Hana Hiring-Manager", Role.HIRING_MANAGER),
    ("hr@demo.rapport.test", "Henry HR", Role.HR),
]


class Command(BaseCommand):
    help = "Create the demo agency and its people; a second run reuses them."

    def handle(self, *args, **options) -> None:
        email, full_name, _ = DEMO_PEOPLE[0]
        owner = services.user_get_or_create(
            email=email, password=DEMO_PASSWORD, full_name=full_name
        )
        # Row-level security hides other agencies, so the demo agency is found
        # through its owner's own memberships.
        with user_context(owner.pk):
            existing = next(
                (m.organization for m in memberships_for_user(user=owner) if m.role == Role.OWNER),
                None,
            )
        organization = existing or services.organization_create(
            name=DEMO_AGENCY, owner=owner, timezone_name="Europe/London"
        )
        for email, full_name, role in DEMO_PEOPLE[1:]:
            user = services.user_get_or_create(
                email=email, password=DEMO_PASSWORD, full_name=full_name
            )
            services.membership_ensure(organization=organization, user=user, role=role)

        self.stdout.write(self.style.SUCCESS(f"Demo agency: {organization.name}"))
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email, _, role in DEMO_PEOPLE:
            self.stdout.write(f"  {role.label:<15} {email}")
