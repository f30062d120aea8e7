"""Row-level security on the rollups, with rows of two organizations in every table."""

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction

from lib.tenancy import organization_context
from metrics.models import (
    ClockClientDays,
    ClockClientWeeks,
    ClockRollup,
    ClockTotals,
    DelayLoss,
    RoleClientDays,
    RoleClientWeeks,
    RoleRollup,
    RoleTotals,
    SubmissionClientDays,
    SubmissionClientWeeks,
    SubmissionRollup,
    SubmissionTotals,
    TargetPeriod,
)
from metrics.rollups import Delta, rollup_add
from metrics.tests.history import History
from recruiting.models import ContactKind, Stage
from tests.factories import ClientFactory, ContactFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TABLES = [
    model._meta.db_table
    for model in (
        ClockRollup,
        SubmissionRollup,
        RoleRollup,
        ClockTotals,
        SubmissionTotals,
        RoleTotals,
        ClockClientWeeks,
        SubmissionClientWeeks,
        RoleClientWeeks,
        ClockClientDays,
        SubmissionClientDays,
        RoleClientDays,
        DelayLoss,
        TargetPeriod,
    )
]


def _busy(organization) -> History:
    client = ClientFactory(organization=organization)
    history = History(
        organization=organization,
        client=client,
        recruiter=MembershipFactory(organization=organization, role="recruiter"),
        hiring_manager=MembershipFactory(
            organization=organization, role="hiring_manager", client=client
        ),
        hr=MembershipFactory(organization=organization, role="hr", client=client),
        hm_contact=ContactFactory(
            organization=organization, client=client, kind=ContactKind.HIRING_MANAGER
        ),
        hr_contact=ContactFactory(organization=organization, client=client, kind=ContactKind.HR),
        agreed_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
    )
    submission = history.submit(datetime(2026, 11, 2, 10, 0, tzinfo=UTC))
    history.move(submission, datetime(2026, 11, 4, 12, 0, tzinfo=UTC), Stage.LOST)
    return history


@pytest.fixture
def two_busy_agencies(organization, other_organization):
    _busy(organization)
    _busy(other_organization)
    return organization, other_organization


@pytest.mark.parametrize("table", TABLES)
def test_each_organization_reads_only_its_own_rollups(two_busy_agencies, table):
    for agency in two_busy_agencies:
        with organization_context(agency.id), connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT organization_id FROM {table}")  # noqa: S608
            assert {row[0] for row in cursor.fetchall()} == {agency.id}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone() == (0,)


def test_an_upsert_for_another_organization_is_refused_by_the_database(two_busy_agencies):
    agency, other = two_busy_agencies
    with organization_context(other.id):
        row = SubmissionRollup.objects.get()
    with (
        organization_context(agency.id),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO metrics_submissionrollup (organization_id, client_id, role_id, day, "
            "submitted, reached_interviewing, reached_offer, reached_hired, rejected, "
            "withdrawn, lost, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, 1, 0, 0, 0, 0, 0, 0, now(), now())",
            [other.id, row.client_id, row.role_id, row.day],
        )


def test_the_write_function_cannot_add_to_another_organizations_rows(two_busy_agencies):
    """`rapport_rollups_add` runs as the caller, under row-level security: named another
    organization's id, it is refused, and that organization's counters stay as they were."""
    agency, other = two_busy_agencies
    with organization_context(other.id):
        row = SubmissionRollup.objects.get()
    key = tuple(getattr(row, name) for name in SubmissionRollup.KEY)
    with (
        organization_context(agency.id),
        pytest.raises(DatabaseError, match="row-level security"),
        transaction.atomic(),
    ):
        rollup_add(
            organization_id=other.id, deltas=[Delta(SubmissionRollup, key, {"submitted": 5})]
        )
    with organization_context(other.id):
        assert SubmissionRollup.objects.get().submitted == row.submitted
