from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, backup_create


class Command(BaseCommand):
    help = ("Back up the database (pg_dump, or a copy of the SQLite file) and MEDIA_ROOT into a new "
            "directory fondos-<UTC time>/ with a manifest of SHA-256 digests.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default=None,
                            help="Directory to write the backup under (default: BACKUP_DIR).")

    def handle(self, *args, output, **options):
        try:
            target = backup_create(directory=Path(output or settings.BACKUP_DIR))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(target))
