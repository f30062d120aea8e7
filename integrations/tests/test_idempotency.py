"""`Idempotency-Key` on POST: a retry replays the first response and never acts twice."""

import hashlib
import threading

import psycopg2
import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from integrations.models import IdempotencyRecord
from integrations.services import idempotency_records_purge
from lib.tenancy import organization_context
from recruiting.models import Client
from tests.workers import wait_until

pytestmark = pytest.mark.django_db


def post_client(api, name: str, key: str):
    return api.post(
        "/api/v1/clients/",
        {"name": name, "timezone": "Europe/London"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def client_names(organization_id) -> list[str]:
    with organization_context(organization_id):
        return sorted(Client.objects.values_list("name", flat=True))


def test_a_retry_with_the_same_key_and_body_replays_the_first_response(api, recruiter):
    first = post_client(api, "Initech", "order-1")
    again = post_client(api, "Initech", "order-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert client_names(recruiter.organization_id) == ["Initech"]


def test_the_same_key_with_another_body_is_refused_with_422(api, recruiter):
    post_client(api, "Initech", "order-1")
    response = post_client(api, "Globex", "order-1")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency_key_reused"
    assert client_names(recruiter.organization_id) == ["Initech"]


def test_a_refused_request_is_replayed_as_refused(api, recruiter):
    first = post_client(api, "", "order-1")
    assert first.status_code == 400
    assert post_client(api, "", "order-1").json() == first.json()
    assert client_names(recruiter.organization_id) == []


def test_posts_without_a_key_are_processed_again(api, recruiter):
    body = {"name": "Initech", "timezone": "Europe/London"}
    assert api.post("/api/v1/clients/", body, format="json").status_code == 201
    second = api.post("/api/v1/clients/", body, format="json")
    assert second.status_code == 400  # the service ran again and found the name taken
    assert "name" in second.json()["errors"]


def test_keys_are_kept_24_hours(api, recruiter):
    with time_machine.travel("2026-11-02 09:00Z"):
        post_client(api, "Initech", "order-1")
    with time_machine.travel("2026-11-03 08:59Z"):
        assert post_client(api, "Globex", "order-1").status_code == 422
    with time_machine.travel("2026-11-03 09:01Z"):
        fresh = post_client(api, "Globex", "order-1")
    assert fresh.status_code == 201
    assert client_names(recruiter.organization_id) == ["Globex", "Initech"]


def test_old_records_are_purged(api, recruiter):
    with time_machine.travel("2026-11-02 09:00Z"):
        post_client(api, "Initech", "old")
    with time_machine.travel("2026-11-03 08:00Z"):
        post_client(api, "Globex", "recent")
    with time_machine.travel("2026-11-03 10:00Z"):
        assert idempotency_records_purge() == 1
    with organization_context(recruiter.organization_id):
        assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["recent"]


def test_keys_belong_to_one_organization(api_for, recruiter, outsider):
    post_client(api_for(recruiter), "Initech", "order-1")
    theirs = post_client(api_for(outsider), "Initech", "order-1")
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert client_names(outsider.organization_id) == ["Initech"]


def test_an_overlong_key_is_a_400(api):
    response = post_client(api, "Initech", "k" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_duplicate_rolls_its_work_back_and_replays_the_first(api, recruiter):
    """Another request with the key commits while this one runs: this one's insert of
    the key waits on the unique index, fails when the other commits, and answers with
    the other's response; the client it created is rolled back."""
    organization_id = str(recruiter.organization_id)
    body = b'{"name":"Initech","timezone":"Europe/London"}'
    fingerprint = hashlib.sha256(b"/api/v1/clients/\n" + body).hexdigest()
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"],
        port=settings["PORT"],
        password=settings["PASSWORD"],
    )
    cursor = other.cursor()
    cursor.execute("SELECT set_config('rapport.organization_id', %s, false)", [organization_id])
    cursor.execute(
        """INSERT INTO accounts_idempotencyrecord (created_at, updated_at, organization_id, key,
               request_fingerprint, response_status, response_content_type, response_body)
           VALUES (%s, %s, %s, 'order-1', %s, 201, 'application/json', '{"first": true}')
           RETURNING pg_backend_pid()""",
        # The application's clock, not the database's: the record is live by the same
        # clock the middleware reads, whatever day the suite runs as.
        [timezone.now(), timezone.now(), organization_id, fingerprint],
    )
    responses = []

    def send_the_duplicate() -> None:
        try:
            responses.append(
                api.generic(
                    "POST",
                    "/api/v1/clients/",
                    body,
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY="order-1",
                )
            )
        finally:
            connections.close_all()  # this thread's own connection

    request = threading.Thread(target=send_the_duplicate)
    request.start()
    try:
        watcher = other.cursor()

        def request_waits_on_the_key() -> bool:
            # The statistics views are a snapshot per transaction: take a fresh one.
            watcher.execute("SELECT pg_stat_clear_snapshot()")
            watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%%accounts_idempotencyrecord%%'"
            )
            return watcher.fetchone()[0] == 1

        wait_until(request_waits_on_the_key, "the request to wait on the first one's key")
        other.commit()
        request.join(timeout=30)
    finally:
        other.close()
    (response,) = responses
    assert response.status_code == 201
    assert response.json() == {"first": True}
    assert response["Idempotent-Replayed"] == "true"
    assert client_names(recruiter.organization_id) == []
