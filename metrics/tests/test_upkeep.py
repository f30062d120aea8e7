"""How the rollups are written: one round trip per service call, at the end of its
block and inside its transaction."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.tests.history import rollup_state
from recruiting.models import Stage

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
TUESDAY_10 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _rollup_writes(queries) -> int:
    # The round trips of metrics.rollups: each takes the rebuild's lock first.
    return sum("pg_advisory_xact_lock_shared" in query["sql"] for query in queries)


def test_each_service_call_writes_its_rollups_once_before_it_returns(history):
    with CaptureQueriesContext(connection) as created:
        # Two events (created, then moved to review) and a clock that opens.
        submission = history.submit(MONDAY_10)
    assert _rollup_writes(created) == 1
    assert rollup_state(history.organization.id)  # written inside the test's transaction
    with CaptureQueriesContext(connection) as reviewed:
        # The review, its clock closed, the next one opened, the stage moved.
        history.review(submission, TUESDAY_10)
    assert _rollup_writes(reviewed) == 1
    with CaptureQueriesContext(connection) as lost:
        history.move(submission, TUESDAY_10, Stage.LOST)  # and its cost of delay, if any
    assert _rollup_writes(lost) == 1


def test_a_write_locks_its_tables_and_rows_in_one_order(history):
    """Two writes that touch the same rows must not lock them in opposite orders."""
    with CaptureQueriesContext(connection) as captured:
        submission = history.submit(MONDAY_10)
        history.review(submission, TUESDAY_10)
    for write in [q["sql"] for q in captured if "pg_advisory_xact_lock_shared" in q["sql"]]:
        tables = re.findall(r"INSERT INTO (\w+) AS t", write)
        assert tables == sorted(tables)
        assert len(tables) > 3
