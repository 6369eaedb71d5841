from django.core.management.base import BaseCommand, CommandError

from backups.integrity import verify_integrity


class Command(BaseCommand):
    help = ("Check that the ledger's running totals equal its entries and that every issued letter and "
            "document is in MEDIA_ROOT with its recorded SHA-256.")

    def handle(self, *args, **options):
        integrity = verify_integrity()
        for problem in integrity.problems:
            self.stderr.write(problem)
        self.stdout.write(integrity.summary())
        if not integrity.ok:
            raise CommandError("inconsistent data (see above)")
