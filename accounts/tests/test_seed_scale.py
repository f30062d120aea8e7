"""`seed_scale` at a small size: consistent data, each organization's in its own tenant.

Transactional: the command seeds on connections of its own (one thread per
organization) and commits, then vacuums as the owner.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F, Q
from django.db.models.fields.json import KT

from accounts.management.commands.seed_scale import Command as SeedScale
from accounts.models import Membership, MembershipRole, Organization
from accounts.selectors import all_organization_ids
from accounts.services import api_key_authenticate
from engagements.models import Activity, ResponseClock
from intake.models import AgreementAcknowledgement, AgreementStatus, ExpectationAgreement
from lib.tenancy import organization_context
from recruiting.models import OPEN_STAGES, Candidate, Client, Contact, Role, Submission

OPEN_CLOCK_KIND = {
    "submitted": "hr_approval",
    "hm_review": "hm_review",
    "interviewing": "interview_feedback",
    "offer": "offer_decision",
}


def _seed(*args: str) -> tuple[SeedScale, str]:
    command, out = SeedScale(), StringIO()
    call_command(
        command, "--scale", "0.002", "--organizations", "3", *args, stdout=out, stderr=StringIO()
    )
    return command, out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_seed_scale_builds_each_organization_in_its_own_tenant(organization):
    command, out = _seed("--reset", "--api-key")

    # --reset removed what was there; the three new agencies are all that is left.
    plans = command.plans
    assert sorted(all_organization_ids()) == sorted(plan.organization_id for plan in plans)
    assert [plan.submissions for plan in plans] == [300, 210, 147]  # the largest, then 70%
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM recruiting_submission")
        assert cursor.fetchone() == (0,)  # no context, no rows (row-level security)

    totals: dict[str, int] = {}
    for plan in plans:
        with organization_context(plan.organization_id):
            counts = {
                "clients": Client.objects.count(),
                "roles": Role.objects.count(),
                "candidates": Candidate.objects.count(),
                "submissions": Submission.objects.count(),
                "activities": Activity.objects.count(),
            }
            assert counts == {
                "clients": plan.clients,
                "roles": plan.roles,
                "candidates": plan.candidates,
                "submissions": plan.submissions,
                "activities": plan.activities,
            }
            assert Organization.objects.get().slug == plan.slug
            _assert_consistent(plan)
            totals["clocks"] = totals.get("clocks", 0) + ResponseClock.objects.count()
    assert command.counts["submissions"] == sum(plan.submissions for plan in plans)
    assert command.counts["clocks"] == totals["clocks"]
    assert "Seeded" in out

    # --api-key printed a read key acting as the largest organization's owner.
    api_key = api_key_authenticate(key=out.strip().splitlines()[-1])
    assert str(api_key.organization_id) == plans[0].organization_id
    assert api_key.membership.role == MembershipRole.OWNER
    assert api_key.scopes == ["read"]


def _assert_consistent(plan) -> None:
    """Every reference stays inside the organization (a row of another one would be
    invisible here and fail the joins) and the rows agree with each other."""
    members = Membership.objects.all()
    assert members.filter(role=MembershipRole.OWNER).count() == 1
    assert members.filter(role=MembershipRole.RECRUITER).count() == plan.recruiters
    client_users = members.filter(role__in=[MembershipRole.HIRING_MANAGER, MembershipRole.HR])
    assert client_users.exists()
    assert not client_users.filter(client__isnull=True).exists()
    assert Contact.objects.count() == 2 * plan.clients
    assert Client.objects.filter(escalation_contact__client_id=F("id")).count() == plan.clients
    # Each role has an agreed agreement in force, acknowledged by both parties.
    assert Role.objects.filter(
        agreement__role_id=F("id"), agreement__status=AgreementStatus.AGREED
    ).count() == (plan.roles)
    assert ExpectationAgreement.objects.count() == plan.roles
    assert AgreementAcknowledgement.objects.count() == 2 * plan.roles

    submissions = Submission.objects.all()
    assert submissions.filter(
        role__client_id=F("client_id"),
        candidate__isnull=False,
        submitted_by__role=MembershipRole.RECRUITER,
        stage_changed_at__gte=F("created_at"),
        created_at__gte=F("role__created_at"),
    ).count() == len(submissions)
    # One open clock per open submission, of the kind its stage owes.
    open_submissions = submissions.filter(stage__in=OPEN_STAGES)
    clocks = ResponseClock.objects.filter(closed_at__isnull=True)
    assert clocks.count() == open_submissions.count() == ResponseClock.objects.count()
    for stage, kind in OPEN_CLOCK_KIND.items():
        assert clocks.filter(submission__stage=stage, kind=kind).count() == (
            submissions.filter(stage=stage).count()
        )
    assert not clocks.filter(~Q(role_id=F("submission__role_id"))).exists()

    # The timeline: every submission's creation, and its last stage change once it moved.
    activities = Activity.objects.all()
    assert activities.filter(verb="submission.created").count() == len(submissions)
    assert (
        activities.filter(verb="submission.stage_changed")
        .annotate(to=KT("payload__to"))
        .filter(to=F("submission__stage"))
        .values("submission")
        .distinct()
        .count()
        == submissions.exclude(stage="submitted").count()
    )
    assert not activities.filter(
        submission__isnull=False, created_at__lt=F("submission__created_at")
    ).exists()
    assert not activities.filter(
        ~Q(candidate_id=F("submission__candidate_id")), submission__isnull=False
    ).exists()


def test_seed_scale_refuses_a_database_that_has_organizations(organization):
    with pytest.raises(CommandError, match="1 organizations already"):
        call_command("seed_scale", "--scale", "0.001", stdout=StringIO())
