"""How the rollups are written: one round trip per service call, at the end of its
block and inside its transaction."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.models import ROLLUPS
from metrics.rollups import WRITE_FUNCTION, write_function_sql
from metrics.tests.history import rollup_state
from recruiting.models import Stage

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
TUESDAY_10 = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _rollup_writes(queries) -> int:
    # The round trips of metrics.rollups: each calls the write function.
    return sum(f"{WRITE_FUNCTION}(" in query["sql"] for query in queries)


def _written_changes(queries) -> list[dict]:
    """The rows each write handed to the write function, by table."""
    calls = [re.search(rf"{WRITE_FUNCTION}\('[^']*', '(.*?)'\)", query["sql"]) for query in queries]
    return [json.loads(call.group(1)) for call in calls if call]


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
    """Two writes that touch the same rows must not lock them in opposite orders: the
    function upserts its tables in one order, and each table's rows in the order given,
    which is the order of their keys."""
    tables = re.findall(r"INSERT INTO (\w+) AS t", write_function_sql())
    assert tables == sorted(model._meta.db_table for model in ROLLUPS)
    models = {model._meta.db_table: model for model in ROLLUPS}
    with CaptureQueriesContext(connection) as captured:
        submission = history.submit(MONDAY_10)
        history.review(submission, TUESDAY_10)
    writes = _written_changes(captured)
    assert len(writes) == 2
    for changes in writes:
        assert len(changes) > 3
        for table, rows in changes.items():
            keys = [tuple(row[name] for name in models[table].KEY) for row in rows]
            assert keys == sorted(keys, key=lambda key: [(v is not None, v) for v in key])


def test_the_migrated_write_function_is_the_one_the_models_make():
    """A rollup column added, renamed or dropped needs a migration that replaces the
    write function with `write_function_sql()`'s text."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [WRITE_FUNCTION])
        (source,) = cursor.fetchone()
    assert source == write_function_sql().split("$$")[1]
