from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notifications.schedules import PREFIX, SCHEDULES


class Command(BaseCommand):
    help = "Install Fondos' periodic tasks in Celery beat's database scheduler (safe to run again)."

    def handle(self, *args, **options):
        created = updated = unchanged = disabled = 0
        with transaction.atomic():
            for schedule in SCHEDULES:
                crontab = _crontab(schedule.crontab)
                task = PeriodicTask.objects.select_for_update().filter(name=schedule.name).first()
                if task is None:
                    PeriodicTask.objects.create(name=schedule.name, task=schedule.task, crontab=crontab)
                    created += 1
                    continue
                wanted = {"task": schedule.task, "crontab_id": crontab.pk, "interval_id": None,
                          "solar_id": None, "clocked_id": None, "enabled": True, "one_off": False}
                if all(getattr(task, field) == value for field, value in wanted.items()):
                    unchanged += 1
                    continue
                for field, value in wanted.items():
                    setattr(task, field, value)
                task.save()
                updated += 1
            declared = {schedule.name for schedule in SCHEDULES}
            for task in PeriodicTask.objects.filter(name__startswith=PREFIX, enabled=True):
                if task.name not in declared:
                    task.enabled = False
                    task.save(update_fields=["enabled"])
                    disabled += 1
        self.stdout.write(
            f"Schedules: {created} created, {updated} updated, {unchanged} unchanged, "
            f"{disabled} no longer declared and disabled."
        )


def _crontab(fields: dict) -> CrontabSchedule:
    values = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    values.update(fields)
    existing = CrontabSchedule.objects.filter(timezone=settings.TIME_ZONE, **values).order_by("pk").first()
    return existing or CrontabSchedule.objects.create(timezone=settings.TIME_ZONE, **values)
