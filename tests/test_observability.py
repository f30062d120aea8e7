"""Observability (docs/operations.md): the request log line, /metrics and its token,
metrics that carry no tenant's data, multiprocess mode, Sentry."""

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import sentry_sdk
from django.test import override_settings
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from config.celery import app as celery_app
from engagements.models import ClockKind
from engagements.services.clocks import clock_open
from lib.observability import json_formatter, sentry_init
from lib.tenancy import organization_context
from tests.api.conftest import issue_key, key_client
from tests.factories import ClientFactory, RoleFactory, SubmissionFactory

TOKEN = "a-scrape-token-long-enough-to-guess-never"
SERIES = [
    "rapport_http_request_duration_seconds",
    "rapport_nudge_scan_duration_seconds",
    "rapport_nudge_due_backlog",
    "rapport_nudge_due_oldest_age_seconds",
    "rapport_outbox_depth",
    "rapport_outbox_oldest_age_seconds",
    "rapport_webhook_attempts_total",
    "rapport_celery_task_failures_total",
]
# Every label a series of ours may carry: none names a tenant, a user or an object.
ALLOWED_LABELS = {"route", "method", "status", "task", "outcome", "kind", "le"}


@pytest.fixture
def request_log():
    """The request log lines, formatted by production's JSON formatter, as dicts."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger = logging.getLogger("django_structlog")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


def _finished(lines):
    return next(line for line in lines if line["event"] == "request_finished")


def test_an_api_request_logs_one_json_line_with_its_key_organization_route_and_duration(
    recruiter, request_log
):
    key = issue_key(recruiter)
    response = key_client(key).get("/api/v1/clients/", HTTP_X_REQUEST_ID="req-from-the-proxy")
    assert response.status_code == 200
    line = _finished(request_log())
    assert line["request_id"] == "req-from-the-proxy"
    assert line["organization_id"] == str(recruiter.organization_id)
    assert line["user_id"] == recruiter.user_id
    assert line["api_key"] == key.split("_")[1]
    assert line["route"] == "api/v1/clients/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "info"
    assert line["request"] == "GET /api/v1/clients/"


def test_a_page_request_logs_the_signed_in_member_and_a_fresh_request_id(
    client_for, recruiter, request_log
):
    response = client_for(recruiter).get("/clients/")
    assert response.status_code == 200
    line = _finished(request_log())
    assert line["organization_id"] == str(recruiter.organization_id)
    assert line["user_id"] == recruiter.user_id
    assert line["api_key"] is None
    assert line["route"] == "clients/"
    assert len(line["request_id"]) == 36  # a UUID of its own


def test_a_request_no_route_matches_is_logged_without_its_path_as_route(client, request_log):
    client.get("/no/such/page/42")
    line = _finished(request_log())
    assert line["status"] == 404
    assert line["route"] == "<unmatched>"
    assert line["organization_id"] is None


def test_metrics_are_off_without_a_configured_token(client, db):
    with override_settings(METRICS_TOKEN=""):
        assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x"]
)
def test_metrics_refuse_a_scrape_without_the_token(client, db, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    with override_settings(METRICS_TOKEN=TOKEN):
        response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"rapport_" not in response.content


def _scrape(client) -> dict:
    with override_settings(METRICS_TOKEN=TOKEN):
        response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def _value(families: dict, name: str, **labels) -> float:
    return next(
        sample.value
        for family in families.values()
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


def test_metrics_show_every_named_series_with_the_token(client, db):
    client.get("/healthz")
    families = _scrape(client)
    names = {name.removesuffix("_total") for name in families}
    for series in SERIES:
        assert series.removesuffix("_total") in names, series
    assert (
        _value(
            families, "rapport_http_request_duration_seconds_count", route="healthz", status="2xx"
        )
        >= 1
    )


def _overdue_clock(organization):
    client = ClientFactory(organization=organization, name=f"{organization.name} Client Co")
    submission = SubmissionFactory(
        organization=organization, role=RoleFactory(organization=organization, client=client)
    )
    with organization_context(organization.id):
        return clock_open(
            submission=submission,
            kind=ClockKind.HM_REVIEW,
            sla_hours=1,
            opened_at=timezone.now() - timedelta(days=10),
        )


def test_the_backlog_gauges_add_up_every_organization_and_name_none(
    client, organization, other_organization
):
    before = _value(_scrape(client), "rapport_nudge_due_backlog")
    _overdue_clock(organization)
    _overdue_clock(other_organization)
    with override_settings(METRICS_TOKEN=TOKEN):
        body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").text
    families = {family.name: family for family in text_string_to_metric_families(body)}
    assert _value(families, "rapport_nudge_due_backlog") == before + 2
    assert _value(families, "rapport_nudge_due_oldest_age_seconds") > 9 * 24 * 3600
    for organization_ in (organization, other_organization):
        for trace in (str(organization_.id), organization_.slug, organization_.name):
            assert trace not in body
    rapport_labels = {
        label
        for family in families.values()
        if family.name.startswith("rapport_")
        for sample in family.samples
        for label in sample.labels
    }
    assert rapport_labels <= ALLOWED_LABELS


def test_the_application_role_reads_the_gauges_but_not_the_rows_behind_them(
    organization, other_organization
):
    from django.db import connection

    _overdue_clock(other_organization)
    with organization_context(organization.id), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM engagements_responseclock")
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT nudges_due FROM rapport_operations_gauges(%s, 10)", [timezone.now()])
        assert cursor.fetchone() == (1,)


def test_a_failing_celery_task_is_counted_by_its_name(db):
    @celery_app.task(name="tests.observability.fails")
    def fails():
        raise RuntimeError("boom")

    def failures():
        return (
            REGISTRY.get_sample_value(
                "rapport_celery_task_failures_total", {"task": "tests.observability.fails"}
            )
            or 0
        )

    before = failures()
    fails.apply()
    assert failures() == before + 1


COUNT_ONE_FAILURE = """
import django
django.setup()
from lib.observability import CELERY_TASK_FAILURES
CELERY_TASK_FAILURES.labels(task="tests.somewhere").inc()
"""
SCRAPE = """
import django
django.setup()
from prometheus_client import generate_latest
from lib.observability import metrics_registry
print(generate_latest(metrics_registry()).decode())
"""


def test_a_scrape_in_multiprocess_mode_sums_every_process(tmp_path, db):
    from django.db import connection

    # Two processes (gunicorn workers, a Celery pool) count; a third answers the scrape,
    # its gauges read from this test's database.
    environment = {
        **os.environ,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_DATABASE_NAME": connection.settings_dict["NAME"],
    }
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE_FAILURE], env=environment, check=True)
    scraped = subprocess.run(
        [sys.executable, "-c", SCRAPE], env=environment, check=True, capture_output=True, text=True
    ).stdout
    assert 'rapport_celery_task_failures_total{task="tests.somewhere"} 2.0' in scraped


def test_errors_go_to_sentry_when_a_dsn_is_set():
    dsn = "https://public-key@errors.example.com/42"
    try:
        sentry_init(dsn=dsn, environment="test", traces_sample_rate=0.0)
        client = sentry_sdk.get_client()
        assert client.is_active()
        assert client.dsn == dsn
        assert not client.should_send_default_pii()
    finally:
        sentry_sdk.init()  # no DSN: inactive again for the tests after this one
