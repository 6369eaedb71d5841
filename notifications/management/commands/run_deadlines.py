import datetime

from django.core.management.base import BaseCommand, CommandError

from notifications.deadlines import run_deadlines
from notifications.services import notifications_deliver_pending


class Command(BaseCommand):
    help = (
        "Run today's deadlines (decision clocks, expiries, reminders, loan notices) and deliver pending "
        "notifications: the cron alternative to Celery beat. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument("--no-deliver", action="store_true",
                            help="Only write the notifications; leave delivery to the workers.")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        counts = run_deadlines(today=today)
        for outcome, count in sorted(counts.items()):
            self.stdout.write(f"{outcome}: {count}")
        if not counts:
            self.stdout.write("Nothing due.")
        if not options["no_deliver"]:
            delivered = notifications_deliver_pending()
            self.stdout.write(
                f"E-mail: {delivered['sent']} sent, {delivered['failed']} failed, "
                f"{delivered['skipped']} already handled."
            )
