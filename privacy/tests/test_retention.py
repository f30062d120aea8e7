"""The retention policy: one per organization with defaults, its daily run (claimed
once per organization and day, resumed after a crash) and its Settings page."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from integrations.models import IdempotencyRecord, WebhookAttempt, WebhookDelivery
from lib.tenancy import organization_context
from privacy import selectors
from privacy.models import CandidateErasure, ErasureVia, RetentionPolicy, RetentionRun
from privacy.services import retention_policy_update, retention_run, retention_runs_apply
from privacy.services.retention import RUN_LEASE
from privacy.tasks import apply_retention
from recruiting.models import Candidate
from recruiting.services import submission_create
from tests.factories import CandidateFactory, RoleFactory, WebhookEndpointFactory
from tests.webhook_events import submit

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # a little over 24 months later


def at(moment):
    return time_machine.travel(moment, tick=False)


def names(organization) -> set[str]:
    with organization_context(organization.id):
        return set(Candidate.objects.values_list("full_name", flat=True))


@pytest.fixture
def old_and_recent(organization, recruiter):
    """A candidate untouched since 2024, one added then but submitted last month, and one
    added last month."""
    with at(LONG_AGO):
        dormant = CandidateFactory(organization=organization, full_name="Dora Mant")
        active = CandidateFactory(organization=organization, full_name="Acton Ive")
    with at(NOW - timedelta(days=30)):
        recent = CandidateFactory(organization=organization, full_name="Rhea Cent")
        with organization_context(organization.id):
            submission_create(
                actor=recruiter,
                role=RoleFactory(organization=organization),
                candidate=active,
                pitch="Back on the market.",
            )
    return {"dormant": dormant, "active": active, "recent": recent}


# --- The policy ----------------------------------------------------------------------


def test_an_organization_without_a_policy_gets_the_defaults(organization):
    with organization_context(organization.id):
        policy = selectors.retention_policy(organization_id=organization.id)

    assert policy.pk is None
    assert policy.candidates_after_months == 24
    assert policy.webhook_deliveries_after_days == 90
    assert policy.idempotency_after_hours == 24


def test_an_admin_saves_the_policy_once_per_organization(organization, admin):
    with organization_context(organization.id):
        for months in (36, None):
            retention_policy_update(
                actor=admin,
                candidates_after_months=months,
                webhook_deliveries_after_days=30,
                idempotency_after_hours=12,
            )
        (policy,) = RetentionPolicy.objects.all()

    assert policy.candidates_after_months is None
    assert policy.webhook_deliveries_after_days == 30
    assert policy.idempotency_after_hours == 12


def test_the_months_before_a_date_keep_to_the_months_end():
    moment = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)

    assert selectors.months_before(moment, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert selectors.months_before(moment, 24) == datetime(2024, 3, 31, 12, 0, tzinfo=UTC)
    assert selectors.months_before(moment, 13) == datetime(2025, 2, 28, 12, 0, tzinfo=UTC)


# --- The run -------------------------------------------------------------------------


def test_the_run_anonymises_only_candidates_inactive_past_the_policy(organization, old_and_recent):
    with at(NOW), organization_context(organization.id):
        run = retention_run(organization_id=organization.id)
        (record,) = CandidateErasure.objects.all()

    assert run.candidates_erased == 1
    assert run.finished_at is not None
    assert record.candidate_public_id == old_and_recent["dormant"].public_id
    assert (record.via, record.erased_by_id) == (ErasureVia.RETENTION, None)
    assert {"Acton Ive", "Rhea Cent"} < names(organization)
    assert "Dora Mant" not in names(organization)


def test_the_run_keeps_candidates_when_anonymising_is_off(organization, admin, old_and_recent):
    with organization_context(organization.id):
        retention_policy_update(
            actor=admin,
            candidates_after_months=None,
            webhook_deliveries_after_days=90,
            idempotency_after_hours=24,
        )
    with at(NOW), organization_context(organization.id):
        run = retention_run(organization_id=organization.id)

    assert run.candidates_erased == 0
    assert "Dora Mant" in names(organization)


def test_the_run_deletes_old_webhook_deliveries_with_their_attempts_and_old_idempotency_records(
    organization, recruiter
):
    endpoint = WebhookEndpointFactory(organization=organization)
    with at(NOW - timedelta(days=91)):
        submit(recruiter)
    with at(NOW - timedelta(days=89)):
        submit(recruiter)
    with organization_context(organization.id):
        old = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("created_at").first()
        WebhookAttempt.objects.create(organization=organization, delivery=old, number=1)
    for hours in (25, 23):
        with at(NOW - timedelta(hours=hours)), organization_context(organization.id):
            IdempotencyRecord.objects.create(
                organization=organization,
                key=f"key-{hours}",
                request_fingerprint="f" * 64,
                response_status=201,
                response_content_type="application/json",
                response_body="{}",
            )

    with at(NOW), organization_context(organization.id):
        run = retention_run(organization_id=organization.id)
        kept_deliveries = WebhookDelivery.objects.count()
        kept_keys = list(IdempotencyRecord.objects.values_list("key", flat=True))
        attempts = WebhookAttempt.objects.count()

    assert (run.webhook_deliveries_deleted, run.idempotency_records_deleted) == (1, 1)
    assert kept_deliveries == 1
    assert attempts == 0
    assert kept_keys == ["key-23"]


def test_a_second_run_the_same_day_does_nothing(organization, old_and_recent):
    with at(NOW), organization_context(organization.id):
        first = retention_run(organization_id=organization.id)
    # Later that day another candidate turns dormant (its data is older, for the test).
    with at(LONG_AGO):
        CandidateFactory(organization=organization, full_name="Late Sleeper")
    with at(NOW + timedelta(hours=5)), organization_context(organization.id):
        second = retention_run(organization_id=organization.id)
        runs = RetentionRun.objects.count()

    assert first is not None
    assert second is None
    assert runs == 1
    assert "Late Sleeper" in names(organization)
    with at(NOW + timedelta(days=1)), organization_context(organization.id):
        tomorrow = retention_run(organization_id=organization.id)
    assert tomorrow.candidates_erased == 1
    assert "Late Sleeper" not in names(organization)


def test_a_crashed_run_is_resumed_once_its_lease_has_passed(organization, old_and_recent):
    # A worker claimed today's run and died before doing anything.
    with at(NOW), organization_context(organization.id):
        RetentionRun.objects.create(
            organization=organization, day=NOW.date(), claimed_until=timezone.now() + RUN_LEASE
        )
    with at(NOW + RUN_LEASE - timedelta(minutes=1)), organization_context(organization.id):
        assert retention_run(organization_id=organization.id) is None
    assert "Dora Mant" in names(organization)

    with at(NOW + RUN_LEASE + timedelta(minutes=1)), organization_context(organization.id):
        resumed = retention_run(organization_id=organization.id)

    assert resumed.candidates_erased == 1
    assert resumed.finished_at is not None
    assert "Dora Mant" not in names(organization)


def test_the_task_runs_every_organization_in_its_own_context(
    organization, other_organization, old_and_recent
):
    with at(LONG_AGO):
        theirs = CandidateFactory(organization=other_organization, full_name="Their Sleeper")

    with at(NOW):
        assert apply_retention.apply().get() == 2
        assert retention_runs_apply() == 0  # both finished today

    assert "Dora Mant" not in names(organization)
    assert "Their Sleeper" not in names(other_organization)
    with organization_context(other_organization.id):
        (record,) = CandidateErasure.objects.all()
    assert record.candidate_public_id == theirs.public_id
    with organization_context(organization.id):
        assert CandidateErasure.objects.count() == 1


# --- The page ------------------------------------------------------------------------

PAGE = "/settings/retention/"


def test_the_page_previews_what_the_next_run_does(client_for, admin, organization, old_and_recent):
    with at(NOW):
        html = client_for(admin).get(PAGE).content.decode()

    assert "Dora Mant" in html
    assert "Acton Ive" not in html
    assert "1 candidate to anonymise" in html


def test_an_owner_edits_the_policy_and_bad_values_are_form_errors(client_for, owner, organization):
    browser = client_for(owner)
    bad = browser.post(
        PAGE,
        {
            "candidates_after_months": "0",
            "webhook_deliveries_after_days": "",
            "idempotency_after_hours": "48",
        },
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {
        "candidates_after_months",
        "webhook_deliveries_after_days",
        "idempotency_after_hours",
    }

    saved = browser.post(
        PAGE,
        {
            "candidates_after_months": "",
            "webhook_deliveries_after_days": "30",
            "idempotency_after_hours": "6",
        },
    )

    assert saved.status_code == 302
    with organization_context(organization.id):
        policy = RetentionPolicy.objects.get()
    assert (policy.candidates_after_months, policy.webhook_deliveries_after_days) == (None, 30)
    assert "anonymising is off" in browser.get(PAGE).content.decode()


def test_the_preview_costs_the_same_queries_for_many_candidates(
    client_for, admin, organization, django_assert_max_num_queries
):
    browser = client_for(admin)
    with at(LONG_AGO):
        CandidateFactory(organization=organization)
    with at(NOW), django_assert_max_num_queries(20) as few:
        browser.get(PAGE)
    with at(LONG_AGO):
        CandidateFactory.create_batch(30, organization=organization)
    with at(NOW), django_assert_max_num_queries(len(few.captured_queries)):
        response = browser.get(PAGE)
    assert response.status_code == 200
    assert 'href="?page=2' in response.content.decode()


@pytest.mark.parametrize("cast", ["recruiter", "hiring_manager", "hr"])
def test_only_owners_and_admins_open_the_page(request, client_for, cast):
    browser = client_for(request.getfixturevalue(cast))

    assert browser.get(PAGE).status_code == 403
    assert browser.post(PAGE, {"webhook_deliveries_after_days": "1"}).status_code == 403


def test_another_organizations_owner_sees_only_their_own_preview(
    client_for, outsider, organization, old_and_recent
):
    with at(NOW):
        html = client_for(outsider).get(PAGE).content.decode()

    assert "Dora Mant" not in html
    assert "0 candidates to anonymise" in html


def test_the_preview_renders_without_querying_the_database(client_for, admin, old_and_recent):
    from tests.test_templates_query_free import queries_refused_while_rendering

    with at(NOW), queries_refused_while_rendering() as refused:
        response = client_for(admin).get(PAGE)

    assert "Dora Mant" in response.content.decode()
    assert refused == []


def test_another_organizations_owner_changes_only_their_own_policy(
    client_for, outsider, organization, other_organization
):
    response = client_for(outsider).post(
        PAGE,
        {
            "candidates_after_months": "1",
            "webhook_deliveries_after_days": "1",
            "idempotency_after_hours": "1",
        },
    )

    assert response.status_code == 302
    with organization_context(organization.id):
        assert not RetentionPolicy.objects.exists()
    with organization_context(other_organization.id):
        assert RetentionPolicy.objects.get().candidates_after_months == 1
