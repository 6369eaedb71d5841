from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.archive import BackupError, backup_restore
from backups.integrity import verify_integrity


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into the configured database and MEDIA_ROOT "
            "(both empty unless --replace), then verify the ledger totals and every file's SHA-256.")

    def add_arguments(self, parser):
        parser.add_argument("source", help="The backup's directory (fondos-<UTC time>/).")
        parser.add_argument("--replace", action="store_true",
                            help="Replace what the database and MEDIA_ROOT hold (never the default).")

    def handle(self, *args, source, replace, **options):
        try:
            manifest = backup_restore(source=Path(source), replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
        integrity = verify_integrity()
        for problem in integrity.problems:
            self.stderr.write(problem)
        self.stdout.write(integrity.summary())
        if not integrity.ok:
            raise CommandError("the restored data is not consistent (see above)")
