"""Schemathesis over the whole API, every phase, against a real server.

`st run` (schemathesis's command line, in another process) reads `/api/v1/schema/`
from pytest-django's live server, which serves the real WSGI application over
HTTP with real PostgreSQL and row-level security, and sends what it generates
with an owner's read-write API key:

* phases: examples, coverage (boundary values, every declared and undeclared
  method, each constraint broken on its own), fuzzing, and stateful sequences
  (create, then read, change and act on what was created);
* checks: no 5xx, invalid input refused, only documented status codes, content
  types and response shapes.

Identifiers of a seeded organization are offered for the path, the body and the
query (a dictionary per kind of object), so the generated requests reach the
services rather than stopping at a 404 or "No such role.".

The run is repeatable (a fixed seed, `SCHEMATHESIS_SEED` to change it; no cache of
past failures) and its size is set by `SCHEMATHESIS_MAX_EXAMPLES`: examples per
operation in the fuzzing and stateful phases. The coverage phase's ~4,800 cases
do not depend on it and take most of the run. With 20, about 6,200 requests, the
run stays within about eight minutes on two cores shared with other work (10
took 5.3 minutes, 25 took 14.6 beside a second test run). Its report (JUnit and
NDJSON, and the command's output) is written to test-artifacts/schemathesis/.
`make test` runs it; `make test-api-contract` runs it alone.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.api.conftest import issue_key
from tests.api.routes import api_routes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.schemathesis]

MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20")
SEED = os.environ.get("SCHEMATHESIS_SEED", "20261205")
PHASES = ["examples", "coverage", "fuzzing", "stateful"]
CHECKS = [
    "not_a_server_error",
    "negative_data_rejection",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
]
REPORTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "schemathesis"
# Body and query fields that name an object, and the kind of object they name.
REFERENCES = {
    "client": "recruiting.Client",
    "role": "recruiting.Role",
    "candidate": "recruiting.Candidate",
    "submission": "recruiting.Submission",
    "contact": "recruiting.Contact",
    "hiring_manager": "recruiting.Contact",
    "hr_contact": "recruiting.Contact",
    "escalation_contact": "recruiting.Contact",
    "owner": "accounts.Membership",
    "clock": "engagements.ResponseClock",
    "endpoint": "integrations.WebhookEndpoint",
}
# Half the requests name a real object, half a generated one.
REAL = 0.5


def _dictionary(label: str) -> str:
    return label.replace(".", "_").lower()


def config(world, owner) -> str:
    """The run's `schemathesis.toml`: real identifiers as dictionaries, bound to the
    path of each route that addresses one object and to the fields that name one."""
    ids = {label: str(obj.public_id) for label, obj in world.ours.items()}
    ids["accounts.Membership"] = str(owner.public_id)
    # No cache of past failures to replay: each run is the same run.
    lines = ["[cache]\nenabled = false\n"]
    lines += [
        f'[dictionaries.{_dictionary(label)}]\nvalues = ["{value}"]\n'
        for label, value in ids.items()
    ]
    lines.append("[parameters]")
    for field, label in REFERENCES.items():
        for location in ("body", "query"):
            binding = f'{{ dictionary = "{_dictionary(label)}", probability = {REAL} }}'
            lines.append(f'"{location}.{field}" = {binding}')
    for route in api_routes():
        if route.is_detail and route.model_label in ids:
            binding = f'{{ dictionary = "{_dictionary(route.model_label)}", probability = {REAL} }}'
            lines.append(
                f'\n[[operations]]\ninclude-path = "{route.openapi_path}"\n'
                f'parameters = {{ "path.public_id" = {binding} }}'
            )
    return "\n".join(lines) + "\n"


@override_settings(API_THROTTLE_RATE="1000000/minute")
def test_every_operation_keeps_the_contract_in_every_phase(world, owner, live_server, tmp_path):
    settings_file = tmp_path / "schemathesis.toml"
    settings_file.write_text(config(world, owner))
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file",
        str(settings_file),
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--header",
        f"Authorization: Api-Key {issue_key(owner)}",
        # One request per connection: the live server's keep-alive waits on each.
        "--header",
        "Connection: close",
        "--phases",
        ",".join(PHASES),
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--workers",
        "2",
        "--generation-database",
        "none",
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(REPORTS),
        "--no-color",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=1800)
    (REPORTS / "output.txt").write_text(result.stdout + result.stderr)
    assert "Tested: 0" not in result.stdout
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
