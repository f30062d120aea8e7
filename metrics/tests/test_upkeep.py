"""How the rollups are written: one round trip per service call, at the end of its
block and inside its transaction, with statements prepared once per connection."""

from datetime import UTC, datetime

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from metrics.rollups import _execute_prepared
from metrics.tests.history import rollup_state
from recruiting.models import Stage

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
TUESDAY_10 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _rollup_writes(queries) -> int:
    # The statements of metrics.rollups, sent prepared under these names.
    return sum("EXECUTE metrics_rollup_" in query["sql"] for query in queries)


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


def test_a_statement_is_prepared_once_per_connection_and_never_again_after_an_error():
    with CaptureQueriesContext(connection) as first:
        _execute_prepared([("SELECT %s::int", [1])])
        _execute_prepared([("SELECT %s::int", [2])])
    assert sum("PREPARE" in query["sql"] for query in first) == 1
    with pytest.raises(DataError), transaction.atomic():
        # The second statement fails after the first was prepared under a new name.
        _execute_prepared([("SELECT %s::bigint", [1]), ("SELECT 1 / %s", [0])])
    # Prepared again under another name, not executed as if the error had not been.
    _execute_prepared([("SELECT %s::bigint", [1]), ("SELECT 1 / %s", [1])])
