"""`backup_database`: the database in pg_dump's custom format (`make backup`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lib.backups import BackupError, backup, database_name


class Command(BaseCommand):
    help = (
        "Dump the database as the owner role (DATABASE_URL) in pg_dump's custom format: "
        "tables, rows, row-level security policies, functions and grants; not the roles."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="the file to write (default: .data/backups/<database>-<UTC time>.dump)",
        )

    def handle(self, *args, **options):
        path = options["output"] or (
            Path(settings.DATA_DIR)
            / "backups"
            / f"{database_name()}-{timezone.now():%Y%m%dT%H%M%SZ}.dump"
        )
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes).")
