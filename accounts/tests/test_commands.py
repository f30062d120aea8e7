from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, User
from lib.tenancy import user_context


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
