"""Test-suite plumbing: databases as the owner for setup, the restricted role for tests."""

from datetime import datetime

import pytest
import time_machine
from django.test.utils import setup_databases, teardown_databases

from lib.db_roles import owner_connection

# Fixtures for the tests that run real Celery workers.
pytest_plugins = ["tests.workers"]


def pytest_addoption(parser):
    parser.addoption(
        "--clock-at",
        metavar="ISO8601",
        help="run the tests as if the real clock read this moment (it keeps ticking); "
        "a test that mixes a fixed date with the real now fails on some such day",
    )


def pytest_configure(config):
    """Move this process's clock for the whole run, so `make test-calendar` can run the
    suite on a weekend, across a DST change and a year ahead. Tests that freeze time
    themselves still do: time-machine nests."""
    moment = config.getoption("--clock-at")
    if moment:
        config._clock_traveller = time_machine.travel(datetime.fromisoformat(moment), tick=True)
        config._clock_traveller.start()


def pytest_unconfigure(config):
    traveller = getattr(config, "_clock_traveller", None)
    if traveller is not None:
        traveller.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_modify_db_settings, django_db_blocker):
    """Create and migrate the test database as the owner role, then test as the app role.

    pytest-django would create it with the connection's own credentials, which
    are the restricted role's (no CREATEDB, no DDL). Serialisation for
    `serialized_rollback` is off: it would read tenant tables with no tenant context.
    """
    with django_db_blocker.unblock(), owner_connection():
        old_config = setup_databases(
            verbosity=0, interactive=False, keepdb=False, serialized_aliases=set()
        )
    yield
    with django_db_blocker.unblock(), owner_connection():
        teardown_databases(old_config, verbosity=0)


# --- The standing cast: one agency with every role, and an outsider's agency. ---


@pytest.fixture
def organization(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Northwind Talent")


@pytest.fixture
def other_organization(db):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Outsider Search")


def _member(organization, role, email, client=None):
    from tests.factories import MembershipFactory, UserFactory

    return MembershipFactory(
        organization=organization, role=role, user=UserFactory(email=email), client=client
    )


@pytest.fixture
def client_company(organization):
    """The client that the cast's hiring manager and HR work for."""
    from tests.factories import ClientFactory

    return ClientFactory(organization=organization, name="Acme Robotics")


@pytest.fixture
def hm_contact(organization, client_company):
    from recruiting.models import ContactKind
    from tests.factories import ContactFactory

    return ContactFactory(
        organization=organization,
        client=client_company,
        kind=ContactKind.HIRING_MANAGER,
        full_name="Hana Meyer",
        email="hana@acme.test",
    )


@pytest.fixture
def hr_contact(organization, client_company):
    from recruiting.models import ContactKind
    from tests.factories import ContactFactory

    return ContactFactory(
        organization=organization,
        client=client_company,
        kind=ContactKind.HR,
        full_name="Harriet Rowe",
        email="harriet@acme.test",
    )


@pytest.fixture
def owner(organization):
    return _member(organization, "owner", "owner@northwind.test")


@pytest.fixture
def admin(organization):
    return _member(organization, "admin", "admin@northwind.test")


@pytest.fixture
def recruiter(organization):
    return _member(organization, "recruiter", "recruiter@northwind.test")


@pytest.fixture
def hiring_manager(organization, client_company):
    return _member(organization, "hiring_manager", "hm@northwind.test", client_company)


@pytest.fixture
def hr(organization, client_company):
    return _member(organization, "hr", "hr@northwind.test", client_company)


@pytest.fixture
def outsider(other_organization):
    return _member(other_organization, "owner", "owner@outsider.test")


@pytest.fixture
def client_for():
    """A test client signed in as the membership's user, with its organization active."""
    from django.test import Client

    def make(membership):
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session["active_organization_id"] = str(membership.organization_id)
        session.save()
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps its rate-limit counters in the cache; tests must not share them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
