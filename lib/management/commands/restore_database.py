"""`restore_database`: a dump of `backup_database` into a new database (`make restore`)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lib.backups import BackupError, restore
from lib.db_roles import application_credentials


class Command(BaseCommand):
    help = (
        "Restore a custom-format dump into a new (or empty) database of the same server, "
        "with its row-level security, functions and grants; create the application role "
        "first when the server has none. A database that holds data is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("dump", type=Path, help="a file written by backup_database")
        parser.add_argument(
            "--database", required=True, help="the new or empty database to restore into"
        )

    def handle(self, *args, **options):
        try:
            found = restore(options["dump"], options["database"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        role, _ = application_credentials()
        self.stdout.write(
            f"Restored {options['dump']} into {options['database']!r}: "
            f"{found['tables_with_forced_row_level_security']} tables with forced row-level "
            f"security, {found['policies']} policies; the application role {role!r} is granted. "
            "Point DATABASE_URL (and APP_DATABASE_URL) at it and run migrate before serving."
        )
