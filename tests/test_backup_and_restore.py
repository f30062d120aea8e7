"""The restore drill: a dump restored into a new database keeps tenant isolation.

`backup_database` dumps the test database (two organizations' rows, committed), and
`restore_database` restores it into a database that did not exist. The application
then connects to the copy as its restricted role, as it would in production, and
row-level security must hold there exactly as in the original: each organization
reads only its own rows of every tenant table, nothing without a context, a write
into another organization is refused, and the owner's narrow cross-organization
functions still answer (their owner, SECURITY DEFINER and grants came along).
"""

import uuid
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.models import Organization
from lib.backups import drop_database
from lib.db_roles import owner_connection
from lib.tenancy import organization_context
from recruiting.models import Client
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    SubmissionFactory,
)
from tests.test_tenant_isolation import tenant_tables

pytestmark = pytest.mark.django_db(transaction=True)

FILLED = ["accounts_membership", "recruiting_client", "recruiting_submission"]


@contextmanager
def application_connected_to(database: str):
    """The application's own connection (its restricted role) on another database."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


@pytest.fixture
def restored_database():
    name = f"restore_drill_{uuid.uuid4().hex[:12]}"
    yield name
    drop_database(name)


def _agency(name: str):
    organization = OrganizationFactory(name=name)
    MembershipFactory(organization=organization)
    SubmissionFactory(organization=organization)
    return organization


def test_a_restored_dump_keeps_every_organization_to_its_own_rows(tmp_path, restored_database):
    northwind, outsider = _agency("Northwind Talent"), _agency("Outsider Search")
    with organization_context(northwind.id):
        northwind_clients = set(Client.objects.values_list("name", flat=True))
    dump = tmp_path / "rapport.dump"

    call_command("backup_database", output=dump)
    call_command("restore_database", dump, database=restored_database)

    with application_connected_to(restored_database), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        assert cursor.fetchone() == ("rapport_app", restored_database)
        for agency in (northwind, outsider):
            with organization_context(agency.id):
                for table in tenant_tables():
                    column = "id" if table == Organization._meta.db_table else "organization_id"
                    cursor.execute(f"SELECT DISTINCT {column} FROM {table}")  # noqa: S608
                    seen = {row[0] for row in cursor.fetchall()}
                    assert seen <= {agency.id}, f"{table} shows another organization's rows"
                    if table in FILLED:
                        assert seen == {agency.id}, f"{table} lost {agency.name}'s rows"
        for table in FILLED:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            assert cursor.fetchone() == (0,), f"{table} is readable without a context"
        cursor.execute("SELECT id FROM rapport_organization_ids() AS id")
        assert {row[0] for row in cursor.fetchall()} == {northwind.id, outsider.id}
        with organization_context(northwind.id):
            assert set(Client.objects.values_list("name", flat=True)) == northwind_clients
            with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
                cursor.execute("UPDATE recruiting_client SET organization_id = %s", [outsider.id])
            with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                cursor.execute("DELETE FROM django_migrations")


def test_a_restore_never_writes_over_a_database_that_holds_data(tmp_path):
    dump = tmp_path / "rapport.dump"
    call_command("backup_database", output=dump)

    with pytest.raises(CommandError, match="holds data"):
        call_command("restore_database", dump, database=connection.settings_dict["NAME"])


def test_a_restore_goes_into_an_empty_database_a_dba_created(tmp_path, restored_database):
    northwind = _agency("Northwind Talent")
    dump = tmp_path / "rapport.dump"
    call_command("backup_database", output=dump)
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.cursor.execute(f'CREATE DATABASE "{restored_database}"')

    call_command("restore_database", dump, database=restored_database)

    with application_connected_to(restored_database), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM recruiting_submission")
        assert cursor.fetchone() == (0,)  # no context: row-level security still applies
        with organization_context(northwind.id):
            cursor.execute("SELECT organization_id FROM recruiting_submission")
            assert cursor.fetchall() == [(northwind.id,)]


def test_a_file_that_is_not_a_dump_is_refused(tmp_path, restored_database):
    not_a_dump = tmp_path / "notes.dump"
    not_a_dump.write_text("not a pg_dump archive")

    with pytest.raises(CommandError, match="pg_restore failed"):
        call_command("restore_database", not_a_dump, database=restored_database)
