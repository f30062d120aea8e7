from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.management.commands.seed_demo import DEMO_PEOPLE
from accounts.models import Membership, Organization, User
from lib.tenancy import organization_context, user_context


def test_create_organization_prints_the_slug_and_makes_the_owner(db):
    out = StringIO()
    call_command(
        "create_organization",
        "--name",
        "Acme Search",
        "--owner-email",
        "boss@acme.test",
        "--password",
        "a-long-passphrase",
        stdout=out,
    )
    assert out.getvalue().strip() == "acme-search"
    owner = User.objects.get(email="boss@acme.test")
    assert owner.check_password("a-long-passphrase")
    with user_context(owner.pk):
        assert Membership.own.get().role == "owner"


def test_create_organization_refuses_a_bad_email(db):
    with pytest.raises(CommandError):
        call_command("create_organization", "--name", "X", "--owner-email", "nope")


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    owner = User.objects.get(email=DEMO_PEOPLE[0][0])
    with user_context(owner.pk):
        (organization,) = Organization.objects.all()
    with organization_context(organization.id):
        roles = sorted(Membership.objects.values_list("role", flat=True))
    assert roles == sorted(role for _, _, role in DEMO_PEOPLE)
    assert User.objects.count() == len(DEMO_PEOPLE)
