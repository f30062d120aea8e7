"""allauth's per-address login limits count clients, not the reverse proxy they come through.

Every request here arrives from the proxy's address (REMOTE_ADDR); what differs is
the X-Forwarded-For the proxy appended. allauth allows 10 failed logins a minute
per address (ACCOUNT_RATE_LIMITS["login_failed"]); each attempt names another
e-mail address so that the per-account limit never applies.
"""

import pytest

PROXY = "10.0.0.5"
FAILURES_ALLOWED_PER_MINUTE = 10
LIMITED = b"Too many failed login attempts"


def _fail_login(client, attempt: int, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    response = client.post(
        "/accounts/login/",
        {"login": f"nobody-{attempt}@example.test", "password": "wrong"},
        **headers,
    )
    assert response.status_code == 200
    return response


def _exhaust(client, forwarded_for: str | None) -> None:
    for attempt in range(FAILURES_ALLOWED_PER_MINUTE):
        assert LIMITED not in _fail_login(client, attempt, forwarded_for).content
    assert LIMITED in _fail_login(client, 99, forwarded_for).content


@pytest.mark.django_db
def test_behind_a_trusted_proxy_two_clients_are_limited_separately(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    _exhaust(client, forwarded_for="198.51.100.7, 203.0.113.10")

    other_client = _fail_login(client, 100, forwarded_for="203.0.113.20")

    assert LIMITED not in other_client.content


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_entry_the_client_wrote_itself_is_not_believed(client, settings):
    """The proxy appends the address it saw: only the last entry counts, so a client
    that prepends a different address on each attempt stays one client."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(FAILURES_ALLOWED_PER_MINUTE):
        _fail_login(client, attempt, forwarded_for=f"192.0.2.{attempt}, 203.0.113.10")

    assert LIMITED in _fail_login(client, 99, forwarded_for="192.0.2.99, 203.0.113.10").content


@pytest.mark.django_db
def test_without_the_setting_a_forwarded_for_header_is_not_trusted(client, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None
    for attempt in range(FAILURES_ALLOWED_PER_MINUTE):
        _fail_login(client, attempt, forwarded_for=f"203.0.113.{attempt}")

    spoofed = _fail_login(client, 99, forwarded_for="203.0.113.99")

    assert LIMITED in spoofed.content


@pytest.mark.django_db
def test_a_client_ip_header_set_by_the_proxy_separates_clients(client, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    def fail(attempt, real_ip):
        return client.post(
            "/accounts/login/",
            {"login": f"nobody-{attempt}@example.test", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_REAL_IP=real_ip,
        )

    for attempt in range(FAILURES_ALLOWED_PER_MINUTE):
        fail(attempt, "203.0.113.10")

    assert LIMITED in fail(99, "203.0.113.10").content
    assert LIMITED not in fail(100, "203.0.113.20").content
