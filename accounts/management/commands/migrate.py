"""`migrate`, run as the owner role, followed by the application role's grants."""

from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import connections

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
        # The system checks run before handle() and may open the connection (the
        # constraints' checks ask for the server's version); on a first deployment
        # the application role does not exist yet, so they run as the owner too.
        with owner_connection(options["database"]):
            return super().execute(*args, **options)

    def handle(self, *args, **options):
        role, password = application_credentials()
        result = super().handle(*args, **options)
        application_role_grant(connections[options["database"]], role=role, password=password)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Granted the application role {role!r} access to the data.")
        return result
