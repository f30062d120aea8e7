"""`manage.py migrate` on a first deployment: the password-protected application role
does not exist yet, and `migrate` must create it (README.md, "The two database roles")."""

import os
import subprocess
import sys
import uuid

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from psycopg2 import sql

PASSWORD = "a-url-safe-application-password"


def _connect(database: str, user: str, password: str):
    owner = settings.DATABASE_OWNER
    return psycopg2.connect(
        host=owner["HOST"] or None,
        port=owner["PORT"] or None,
        dbname=database,
        user=user,
        password=password,
    )


@pytest.fixture
def new_role(django_db_setup, django_db_blocker):
    """A role name no server has yet; dropped with its grants afterwards."""
    role = f"rapport_app_{uuid.uuid4().hex[:12]}"
    yield role
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    owner = settings.DATABASE_OWNER
    with _connect(database, owner["USER"], owner["PASSWORD"]) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    admin.close()


def test_migrate_creates_a_missing_application_role_with_its_password(new_role, django_db_blocker):
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    completed = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TEST_DATABASE_NAME": database,
            "APP_DATABASE_URL": "",
            "APP_DATABASE_USER": new_role,
            "APP_DATABASE_PASSWORD": PASSWORD,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"Granted the application role {new_role!r}" in completed.stdout

    owner = settings.DATABASE_OWNER
    with _connect(database, owner["USER"], owner["PASSWORD"]) as admin, admin.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolpassword IS NOT NULL "
            "FROM pg_authid WHERE rolname = %s",
            [new_role],
        )
        assert cursor.fetchone() == (True, False, False, True)
    admin.close()
    # The new role reads the data it was granted, and row-level security applies to it.
    with _connect(database, new_role, PASSWORD) as app, app.cursor() as cursor:
        cursor.execute("SELECT current_user, count(*) FROM recruiting_client")
        assert cursor.fetchone() == (new_role, 0)
    app.close()
