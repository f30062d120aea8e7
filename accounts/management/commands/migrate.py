"""`migrate`, run as the owner role, followed by the application role's grants."""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand

from lib.db_roles import (
    application_credentials,
    application_role_grant,
    owner_connection,
)


class Command(DjangoMigrateCommand):
    help = (
        "Apply migrations as the owner role (DATABASE_URL), then create and grant the "
        "restricted application role that the web and worker processes connect as."
    )

    def execute(self, *args, **options):
        # The system checks that run before handle() may connect (a unique constraint's
        # check asks for the server's version), and on a new server only the owner
        # exists: the application role is created below.
        with owner_connection(options["database"]):
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        role, password = application_credentials()
        with owner_connection(options["database"]) as connection:
            result = super().handle(*args, **options)
            application_role_grant(connection, role=role, password=password)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Granted the application role {role!r} access to the data.")
        return result
