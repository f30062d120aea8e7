"""The organization-wide totals are filled from the detailed rows already there.

A database with rollups written before the totals existed (a history played through
the services, then the totals' migration unapplied) is migrated forward: each
organization's totals are its detailed rows summed by day, under row-level security.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lib.db_roles import application_credentials, application_role_grant, owner_connection
from metrics.tests.history import detail_summed_into_totals, rollup_state
from metrics.tests.test_row_security import _busy
from recruiting.models import Stage

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_TOTALS = [("metrics", "0002_weekly_report")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)  # a fresh one reads what is applied now
    executor.migrate(targets(executor) if callable(targets) else targets)
    # The tables made on the way get the application role's grants, as `manage.py
    # migrate` gives them.
    role, password = application_credentials()
    application_role_grant(connection, role=role, password=password)


def test_the_totals_are_the_detailed_rows_summed_by_day(organization, other_organization):
    histories = [_busy(organization), _busy(other_organization)]
    histories[0].move(
        histories[0].submit(datetime(2026, 11, 3, 9, 0, tzinfo=UTC)),
        datetime(2026, 11, 5, 9, 0, tzinfo=UTC),
        Stage.WITHDRAWN,
    )
    expected = {
        agency.id: detail_summed_into_totals(rollup_state(agency.id))
        for agency in (organization, other_organization)
    }
    with owner_connection():
        try:
            _migrate(BEFORE_TOTALS)
        finally:
            _migrate(lambda executor: executor.loader.graph.leaf_nodes())

    for agency in (organization, other_organization):
        state = rollup_state(agency.id)
        totals = {name: state[name] for name in expected[agency.id]}
        assert totals == expected[agency.id]
        assert totals["SubmissionTotals"]
