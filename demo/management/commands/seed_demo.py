"""`python manage.py seed_demo`: the demo agency that `make run` opens on, made once."""

import time

import time_machine
from django.core.management.base import BaseCommand
from django.utils import timezone

from accounts import services
from accounts.models import MembershipRole
from accounts.selectors import member_list, memberships_for_user
from demo.story.agency import (
    DEMO_AGENCY,
    DEMO_AGENCY_TIMEZONE,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    agency_founded_at,
    demo_password_hash,
)
from demo.story.builder import DemoBuilder
from lib.tenancy import organization_context, user_context
from recruiting.selectors import client_queryset


class Command(BaseCommand):
    help = (
        "Create the demo agency with its clients, roles, candidates and a few months of "
        "history; a second run changes nothing and prints the logins."
    )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        now = timezone.now()
        # The agency opened its account months ago; its owner and the organization are
        # dated then, like everything the story adds after them.
        founded = agency_founded_at(now)
        email, full_name, _ = DEMO_PEOPLE[0]
        with time_machine.travel(founded, tick=False):
            owner = services.user_get_or_create(
                email=email,
                password=demo_password_hash(),
                full_name=full_name,
                hashed=True,
            )
            membership = self._owner_membership(owner)
            if membership is None:
                services.organization_create(
                    name=DEMO_AGENCY, owner=owner, timezone_name=DEMO_AGENCY_TIMEZONE
                )
                membership = self._owner_membership(owner)
        organization = membership.organization

        with organization_context(organization.id):
            if client_queryset(membership=membership).exists():
                self.stdout.write(f"Demo agency {organization.name} is already seeded.")
            else:
                DemoBuilder(organization=organization, owner=membership, now=now).build()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Demo agency {organization.name} seeded in "
                        f"{time.monotonic() - started:.1f} s."
                    )
                )
            self._print_logins(organization)

    @staticmethod
    def _owner_membership(owner):
        # Row-level security hides other agencies, so the demo agency is found
        # through its owner's own memberships.
        with user_context(owner.pk):
            return next(
                (m for m in memberships_for_user(user=owner) if m.role == MembershipRole.OWNER),
                None,
            )

    def _print_logins(self, organization) -> None:
        members = {
            m.user.email: m
            for m in member_list(organization_id=organization.id).select_related("client")
        }
        demo_emails = [email for email, _, _ in DEMO_PEOPLE]
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for email in demo_emails:
            self._print_login(members.get(email), email)
        others = sorted(
            (m for email, m in members.items() if email not in demo_emails and m.client_id),
            key=lambda m: (m.client_id, m.role),
        )
        if others:
            self.stdout.write("Client logins (same password):")
            for member in others:
                self._print_login(member, member.user.email)

    def _print_login(self, member, email: str) -> None:
        if member is None:
            return
        line = f"  {member.get_role_display():<15} {email}"
        if member.client_id:
            line = f"{line:<48} {member.client.name}"
        self.stdout.write(line)
