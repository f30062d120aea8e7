from django.test import override_settings

from config.celery import app as celery_app


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


OPERATOR_TOKEN = "operator-token-for-tests"
OPERATOR = {"HTTP_AUTHORIZATION": f"Bearer {OPERATOR_TOKEN}"}


def test_readyz_is_ready_when_database_and_broker_answer(client, db, settings):
    settings.METRICS_TOKEN = OPERATOR_TOKEN
    response = client.get("/readyz", **OPERATOR)
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def _broker_down(monkeypatch):
    # Port 9 (discard) has nothing listening on the test machines.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")


def test_readyz_names_the_broker_to_the_operator_when_it_does_not_answer(
    client, db, monkeypatch, settings
):
    settings.METRICS_TOKEN = OPERATOR_TOKEN
    _broker_down(monkeypatch)
    with override_settings():
        response = client.get("/readyz", **OPERATOR)
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


def test_readyz_tells_an_anonymous_caller_only_its_status(client, db, monkeypatch, settings):
    settings.METRICS_TOKEN = OPERATOR_TOKEN
    assert client.get("/readyz").json() == {"status": "ok"}
    _broker_down(monkeypatch)
    for headers in [{}, {"HTTP_AUTHORIZATION": "Bearer a-guess"}]:
        with override_settings():
            response = client.get("/readyz", **headers)
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable"}


def test_readyz_shows_no_details_while_the_operator_token_is_unset(client, db, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/readyz", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_carry_a_content_security_policy_without_inline_code(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
