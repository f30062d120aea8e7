from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.management.commands.seed_demo import DEMO_PEOPLE
from accounts.models import Invitation, Membership, Organization, User
from activity.models import Activity
from engagements.models import ResponseClock
from intake.models import ExpectationAgreement
from lib.tenancy import organization_context, user_context
from recruiting.models import Candidate, Client, Contact, Role, Submission


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


def _demo_counts() -> dict[str, int]:
    owner = User.objects.get(email=DEMO_PEOPLE[0][0])
    with user_context(owner.pk):
        (organization,) = Organization.objects.all()
    with organization_context(organization.id):
        counts = {
            model.__name__: model.objects.count()
            for model in (
                Membership,
                Invitation,
                Client,
                Contact,
                Role,
                ExpectationAgreement,
                Candidate,
                Submission,
                ResponseClock,
                Activity,
            )
        }
        roles = set(Membership.objects.values_list("role", flat=True))
    counts["User"] = User.objects.count()
    assert roles >= {role for _, _, role in DEMO_PEOPLE}
    return counts


def test_seed_demo_is_idempotent(db):
    call_command("seed_demo", stdout=StringIO())
    first = _demo_counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)

    assert _demo_counts() == first
    assert "already seeded" in out.getvalue()
    assert first["Submission"] == 120
