"""The periodic work Fondos needs, declared once; ``manage.py install_schedules`` writes it to
django-celery-beat's tables and ``manage.py run_deadlines`` does the same work from cron."""

from dataclasses import dataclass

PREFIX = "fondos: "


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    crontab: dict  # minute, hour, day_of_week, day_of_month, month_of_year


SCHEDULES = (
    # Deadlines are dates; running every hour catches up quickly after downtime and costs nothing when
    # nothing is due (the sweep reads only what is due).
    Schedule(PREFIX + "deadlines", "notifications.run_deadlines", {"minute": "5"}),
    Schedule(PREFIX + "deliver pending notifications", "notifications.deliver_pending",
             {"minute": "*/5"}),
)
