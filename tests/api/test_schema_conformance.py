"""Schemathesis over the whole API: requests generated from `/api/v1/schema/` get
answers that the schema describes (documented status, content type and shape) and
never a server error.

The run is deterministic (`derandomize`) with a fixed number of examples per
operation, `SCHEMATHESIS_MAX_EXAMPLES` (default 12). Half the requests that
address an object use a real one of the seeded organization, so the generated
bodies reach the services rather than stopping at a 404.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import issue_key
from tests.api.routes import api_routes

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
# The schema gives types and shapes; the services add rules it cannot express (a
# unique name, an SLA within bounds, a stage that may follow). A 400 with field
# errors for a request of the right shape is therefore correct here, so the check
# that every schema-valid request is accepted does not apply.
BUSINESS_RULES = [positive_data_acceptance]


@pytest.fixture
def wsgi_app():
    """The real WSGI application inside the test's transaction: like Django's test
    client, it must not close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def real_ids(world) -> dict[str, str]:
    """Schema path → the public id of a real object it can address."""
    ids = {}
    for route in api_routes():
        if route.is_detail and route.model_label in world.ours:
            ids[route.openapi_path] = str(world.ours[route.model_label].public_id)
    return ids


@override_settings(API_THROTTLE_RATE="1000000/minute")
def test_every_operation_answers_as_the_schema_says(world, owner, wsgi_app):
    headers = {"Authorization": f"Api-Key {issue_key(owner)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", wsgi_app)
    addressable = real_ids(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40, "the schema lost its operations"
    calls = 0
    for operation in operations:
        strategy = operation.as_strategy()
        if operation.path in addressable:
            strategy = st.one_of(
                strategy,
                operation.as_strategy(path_parameters={"public_id": addressable[operation.path]}),
            )

        @given(case=strategy)
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def answers_as_documented(case):
            nonlocal calls
            calls += 1
            case.call_and_validate(headers=headers, excluded_checks=BUSINESS_RULES)

        answers_as_documented()
    print(f"schemathesis: {len(operations)} operations, {calls} requests")
