"""Failed sign-ins slow down guesses from one address without locking the member out.

The per-account limit counts an account's failures per source address
(`accounts.adapters.AccountAdapter`); the per-address limit stays. The addresses
come through a trusted proxy (X-Forwarded-For), as in production.
"""

import pytest
import time_machine
from allauth.account.models import EmailAddress

from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

PROXY = "10.0.0.5"
ATTACKER = "198.51.100.66"
MEMBER = "203.0.113.20"
EMAIL = "ravi@northwind.test"
LIMITED = b"Too many failed login attempts"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def member():
    user = UserFactory(email=EMAIL)
    EmailAddress.objects.create(user=user, email=EMAIL, primary=True, verified=True)
    return MembershipFactory(user=user)


def _sign_in(client, password: str, source: str, login: str = EMAIL):
    return client.post(
        "/accounts/login/",
        {"login": login, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=source,
    )


def test_twenty_failures_from_one_address_do_not_stop_the_member_from_another(client, member):
    refused = [_sign_in(client, f"guess-{n}", ATTACKER) for n in range(20)]

    assert LIMITED in refused[-1].content
    assert LIMITED in _sign_in(client, DEFAULT_PASSWORD, ATTACKER).content
    response = _sign_in(client, DEFAULT_PASSWORD, MEMBER)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_attacking_address_is_limited_after_five_failures_on_one_account(client, member):
    for n in range(5):
        assert LIMITED not in _sign_in(client, f"guess-{n}", ATTACKER).content

    assert LIMITED in _sign_in(client, "guess-5", ATTACKER).content


def test_failures_on_one_account_do_not_limit_that_address_on_another(client, member):
    for n in range(5):
        _sign_in(client, f"guess-{n}", ATTACKER)

    other = _sign_in(client, "wrong", ATTACKER, login="someone-else@northwind.test")

    assert other.status_code == 200
    assert LIMITED not in other.content


def test_an_ipv6_client_cannot_dodge_the_limit_by_changing_address_in_its_network(client, member):
    for n in range(5):
        _sign_in(client, f"guess-{n}", f"2001:db8:1:2::{n + 1:x}")

    assert LIMITED in _sign_in(client, "guess-5", "2001:db8:1:2::ff").content
    assert LIMITED not in _sign_in(client, "guess-6", "2001:db8:1:3::1").content


def test_the_pairs_limit_lifts_after_five_minutes_then_grows_to_an_hour(client, member):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as clock:
        for n in range(5):
            _sign_in(client, f"guess-{n}", ATTACKER)
        assert LIMITED in _sign_in(client, "guess", ATTACKER).content
        for _round in range(3):
            clock.shift(301)
            for n in range(5):
                assert LIMITED not in _sign_in(client, f"guess-{n}", ATTACKER).content
        clock.shift(301)
        # 20 failures in the hour: the pair waits until the first of them is an hour old.
        assert LIMITED in _sign_in(client, "guess", ATTACKER).content
        clock.shift(60 * 60 - 4 * 301 + 1)
        assert LIMITED not in _sign_in(client, "guess", ATTACKER).content


def test_the_per_address_limit_still_holds_whatever_the_accounts(client, member):
    """The per-address limit (10 a minute) also holds: the attacker's address is refused
    for any account, the member's is not."""
    for n in range(10):
        _sign_in(client, "wrong", ATTACKER, login=f"nobody-{n}@example.test")

    assert LIMITED in _sign_in(client, "wrong", ATTACKER, login="nobody-99@example.test").content
    assert _sign_in(client, DEFAULT_PASSWORD, MEMBER).status_code == 302
