"""The two database roles: the owner (migrations) and the restricted application role.

The application connects as a role that is neither superuser, nor table owner,
nor BYPASSRLS, so row-level security applies to everything it does. Schema
changes need the owner, so `migrate` (accounts/management/commands/migrate.py)
borrows the owner's credentials for its duration and then grants the
application role what it needs on the tables the migrations created.
"""

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg2 import errors, sql

from lib.row_level_security import APPEND_ONLY_TRIGGER

CREDENTIAL_KEYS = ("USER", "PASSWORD", "HOST", "PORT")
TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE"]


class UnsafeApplicationRole(RuntimeError):
    """The configured application role could bypass row-level security."""


@contextmanager
def owner_connection(
    alias: str = "default", *, database: str | None = None
) -> Iterator[BaseDatabaseWrapper]:
    """Reconnect `alias` as the owner role (DATABASE_URL) for the block, then switch back.

    With `database`, the block works on that database of the same server instead.
    """
    connection = connections[alias]
    # NAME is put back only when the block changed it: the test suite's set-up renames
    # the database inside this block, and that name must stay.
    keys = (*CREDENTIAL_KEYS, "NAME") if database is not None else CREDENTIAL_KEYS
    saved = {key: connection.settings_dict.get(key) for key in keys}
    connection.close()
    connection.settings_dict.update(
        {key: settings.DATABASE_OWNER.get(key, "") for key in CREDENTIAL_KEYS}
    )
    if database is not None:
        connection.settings_dict["NAME"] = database
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def application_credentials() -> tuple[str, str | None]:
    """The application role's name and password, as configured."""
    return settings.DATABASE_APP_ROLE["USER"], settings.DATABASE_APP_ROLE["PASSWORD"] or None


def application_role_grant(
    connection: BaseDatabaseWrapper, *, role: str, password: str | None
) -> None:
    """Create the application role if missing and grant it the data (not the schema).

    Runs as the owner. Refuses to continue when the role is a superuser or
    has BYPASSRLS, because row-level security would then protect nothing.
    """
    privileges = TABLE_PRIVILEGES + list(getattr(settings, "APP_DATABASE_EXTRA_PRIVILEGES", []))
    identifier = sql.Identifier(role)
    application_role_ensure(connection, role=role, password=password)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), identifier
            )
        )
        raw.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(identifier))
        raw.execute(
            sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA public TO {}").format(
                sql.SQL(", ").join(sql.SQL(p) for p in privileges), identifier
            )
        )
        raw.execute(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(
                identifier
            )
        )
        # The narrow cross-organization paths (SECURITY DEFINER functions such as
        # rapport_due_nudges); their EXECUTE is revoked from PUBLIC by the migrations.
        raw.execute(
            sql.SQL("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {}").format(identifier)
        )
        # The migration history is the owner's business.
        raw.execute(
            sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}").format(identifier)
        )
        # Append-only tables (lib.row_level_security.MakeAppendOnly): rows are added and
        # read, never changed nor removed, by the application.
        raw.execute(
            "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s",
            [APPEND_ONLY_TRIGGER],
        )
        for (table,) in raw.fetchall():
            raw.execute(
                sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(sql.SQL(table), identifier)
            )


def application_role_ensure(
    connection: BaseDatabaseWrapper, *, role: str, password: str | None
) -> None:
    """Create the application role if the server has none of that name; refuse an unsafe one.

    Roles belong to the server, not to a database: a restore needs the role before
    the grants of the dump can name it.
    """
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = raw.fetchone()
        if found is None:
            _create_role(raw, sql.Identifier(role), password)
        elif any(found):
            raise UnsafeApplicationRole(
                f"The application role {role!r} is a superuser or has BYPASSRLS; "
                "row-level security would not apply to it. Use a plain role."
            )


def _create_role(cursor, identifier: sql.Identifier, password: str | None) -> None:
    statement = sql.SQL(
        "CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
    ).format(identifier)
    if password:
        statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
    # Another process (a parallel test worker) may create it between our check
    # and our CREATE; the role is the same either way.
    with suppress(errors.DuplicateObject):
        cursor.execute(statement)
