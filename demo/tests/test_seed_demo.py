"""The demo agency: one seeding, then every promise the demo makes, checked on it; and
a second seeding that changes nothing.

Seeding takes a few seconds, so each test seeds once (twice for idempotency) and
asserts everything it can.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from accounts.models import Invitation, Membership, MembershipRole, Organization, User
from accounts.selectors import all_organization_ids
from activity.models import Activity
from demo.story.agency import DEMO_PEOPLE, HM_EMAIL, HR_EMAIL, OWNER_EMAIL, RECRUITER_EMAIL
from engagements.models import ClockKind, ResponseClock
from engagements.selectors import attention_clocks, queue_count, queue_page
from intake.models import AgreementStatus, ExpectationAgreement
from lib.tenancy import organization_context, user_context
from metrics.rebuild import metrics_rebuild
from metrics.tests.history import rollup_state
from recruiting.models import (
    RECRUITER_CONSENT_METHODS,
    Candidate,
    Client,
    ConsentPurpose,
    ConsentRecord,
    Contact,
    ContactKind,
    Role,
    Stage,
    Submission,
)


def test_seed_demo_gives_every_demo_user_real_work_with_a_history(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    now = timezone.now()

    owner = User.objects.get(email=OWNER_EMAIL)
    with user_context(owner.pk):
        (organization,) = Organization.objects.all()
    with organization_context(organization.id):
        clients = list(Client.objects.all())
        assert len(clients) == 6
        assert len({client.timezone for client in clients}) == 6
        assert all(client.weekly_report for client in clients)

        roles = list(Role.objects.select_related("agreement"))
        assert len(roles) == 15
        assert all(role.agreement.status == AgreementStatus.AGREED for role in roles)
        assert all(role.agreement.must_haves and role.agreement.glossary for role in roles)

        assert Candidate.objects.count() == 80
        assert not Candidate.objects.filter(consent_to_represent=False).exists()
        # Each with the record of how the recruiter heard it.
        represent = ConsentRecord.objects.filter(purpose=ConsentPurpose.REPRESENT, granted=True)
        assert represent.values("candidate").distinct().count() == 80
        assert not represent.exclude(method__in=RECRUITER_CONSENT_METHODS).exists()

        stages = Counter(Submission.objects.values_list("stage", flat=True))
        assert sum(stages.values()) == 120
        assert set(stages) == set(Stage.values)
        assert (
            Submission.objects.filter(stage=Stage.LOST).exclude(lost_reason="").count()
            == (stages[Stage.LOST])
        )
        assert Submission.objects.filter(competing_offer_deadline__isnull=False).exists()
        # The history is replayed in the past, weeks before the seeding.
        assert Submission.objects.filter(created_at__lt=now - timedelta(days=21)).exists()
        assert not Submission.objects.filter(activities__isnull=True).exists()

        open_clocks = ResponseClock.objects.filter(closed_at__isnull=True)
        assert open_clocks.filter(due_at__lte=now).exists()
        assert open_clocks.filter(due_at__gt=now).exists()

        hiring_manager = Membership.objects.get(user__email=HM_EMAIL)
        hr = Membership.objects.get(user__email=HR_EMAIL)
        assert hiring_manager.client_id is not None
        assert hr.client_id == hiring_manager.client_id
        review_queue = queue_page(membership=hiring_manager, kind=ClockKind.HM_REVIEW).items
        assert len(review_queue) >= 3
        assert {clock.submission.client_id for clock in review_queue} == {hiring_manager.client_id}
        assert any(clock.due_at <= now for clock in review_queue)
        assert queue_count(membership=hr, kind=ClockKind.HR_APPROVAL).waiting >= 2

        recruiter = Membership.objects.get(user__email=RECRUITER_EMAIL)
        assert any(clock.is_overdue for clock in attention_clocks(membership=recruiter))
        assert Client.objects.filter(owner=recruiter).exists()

        # Every client has its own hiring manager and HR with logins bound to it.
        for client in clients:
            bound = set(Membership.objects.filter(client=client).values_list("role", flat=True))
            assert bound == {MembershipRole.HIRING_MANAGER, MembershipRole.HR}
            linked = Contact.objects.filter(client=client, user__isnull=False)
            assert set(linked.values_list("kind", flat=True)) == {
                ContactKind.HIRING_MANAGER,
                ContactKind.HR,
            }

    output = out.getvalue()
    assert HM_EMAIL in output
    assert "hm2@demo.rapport.test" in output


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


def test_seed_demo_keeps_the_metrics_as_a_rebuild_would(db):
    """The demo is played through the services, so its metrics rollups are kept by the
    event handlers: a rebuild from the raw rows finds the same."""
    call_command("seed_demo", stdout=StringIO())
    (organization_id,) = all_organization_ids()
    incremental = rollup_state(organization_id)
    assert incremental["SubmissionRollup"], "the demo made no submissions"
    metrics_rebuild(organization_id=organization_id)
    assert rollup_state(organization_id) == incremental
