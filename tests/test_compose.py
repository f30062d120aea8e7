"""docker-compose.yml runs what `make smoke` runs and tests (Docker does not run here).

The smoke (scripts/smoke.py) starts PgBouncer from deploy/pgbouncer/pgbouncer.ini,
gunicorn, the Celery workers (one per kind of work) and beat with its command lines;
the compose file must run the same commands, its PgBouncer from the same file, and
connect the application through it.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from scripts import smoke

REPO = Path(__file__).resolve().parent.parent

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def without_option(command: list[str], option: str) -> list[str]:
    """`command` without `option` and its value (an address or a file of the machine)."""
    if option not in command:
        return command
    at = command.index(option)
    return command[:at] + command[at + 2 :]


@pytest.mark.parametrize(
    ("service", "command", "machine_option"),
    [
        ("web", smoke.WEB_COMMAND, "--bind"),
        *((name, command, None) for name, command in smoke.WORKER_COMMANDS.items()),
        ("beat", smoke.BEAT_COMMAND, "--schedule"),
    ],
)
def test_compose_runs_the_smokes_command(service, command, machine_option):
    composed = SERVICES[service]["command"]
    if machine_option:
        assert machine_option in composed, f"{service} has no {machine_option}"
        composed = without_option(composed, machine_option)
    assert composed == command


def test_compose_builds_pgbouncer_from_the_smokes_configuration():
    pgbouncer = SERVICES["pgbouncer"]
    folder = REPO / pgbouncer["build"]["context"]
    assert folder / "pgbouncer.ini" == smoke.PGBOUNCER_INI
    dockerfile = (folder / "Dockerfile").read_text()
    assert "COPY pgbouncer.ini" in dockerfile
    assert "pool_mode = transaction" in smoke.PGBOUNCER_INI.read_text()


def test_the_application_connects_through_pgbouncer_and_migrates_directly():
    environment = COMPOSE["x-app-env"]
    assert urlsplit(environment["APP_DATABASE_URL"]).hostname == "pgbouncer"
    assert urlsplit(environment["DATABASE_URL"]).hostname == "db"
    for service in ("web", *smoke.WORKER_COMMANDS):
        assert "pgbouncer" in SERVICES[service]["depends_on"], service


def test_compose_runs_no_worker_the_smoke_does_not():
    workers = {name for name, service in SERVICES.items() if "worker" in service.get("command", [])}
    assert workers == set(smoke.WORKER_COMMANDS)
