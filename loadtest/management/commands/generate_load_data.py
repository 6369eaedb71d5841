"""Fill the database with ten years of CLAC-like history at any scale, for the benchmarks.

    python manage.py generate_load_data --organizations 10000 --applications 200000 --loans 50000 --seed 1

Each run adds to what is there (``--organizations 0`` reuses the existing organisations), so a
benchmark can measure at one size, grow the data and measure again. ``--reset`` empties the database
first (the four funds and the product codes are put back).
"""

import datetime
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from loadtest.generator import LoadGenerator, Sizes, ledger_check


class Command(BaseCommand):
    help = "Generate load data: organisations, applications in every state, loans, schedules and ledger."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument("--applications", type=int, default=20000)
        parser.add_argument("--loans", type=int, default=5000,
                            help="youth-fund loans among the applications, 20 instalments each")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="the day the history ends (default: today)")
        parser.add_argument("--password", default=None,
                            help="password of every generated account (default: none can sign in)")
        parser.add_argument("--chunk", type=int, default=5000, help="applications written per transaction")
        parser.add_argument("--reset", action="store_true", help="empty the database first")
        parser.add_argument("--check", action="store_true", help="check the ledger afterwards")

    def handle(self, *args, **options):
        from django.utils import timezone

        sizes = Sizes(options["organizations"], options["applications"], options["loans"])
        if min(sizes.organizations, sizes.applications, sizes.loans) < 0:
            raise CommandError("Sizes cannot be negative.")
        if sizes.loans > sizes.applications:
            raise CommandError("--loans cannot exceed --applications: each loan is an application.")
        if options["reset"]:
            from funds.migrations._reference import create_reference_data

            call_command("flush", interactive=False, verbosity=0)
            create_reference_data()
        started = time.perf_counter()
        generator = LoadGenerator(
            sizes=sizes, seed=options["seed"], today=options["today"] or timezone.localdate(),
            chunk=options["chunk"], password=options["password"],
            log=lambda line: self.stdout.write(line) if options["verbosity"] else None,
        )
        try:
            written = generator.generate()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for label, count in written.items():
            self.stdout.write(f"{label:40} {count:>10,}")
        self.stdout.write(f"total rows {sum(written.values()):,} in {time.perf_counter() - started:.1f} s")
        if options["check"]:
            for name, value in ledger_check().items():
                self.stdout.write(f"{name:45} {value}")
