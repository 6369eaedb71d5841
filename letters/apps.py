from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Decision letters")

    def ready(self):
        from applications.events import on_transition
        from disbursements.events import on_payment, on_reschedule

        from . import tasks  # noqa: F401  (connects the tasks to the work the services ask for)
        from .schedules import schedule_document_on_payment, schedule_document_on_reschedule
        from .services import letter_on_transition

        on_transition(letter_on_transition)
        on_payment(schedule_document_on_payment)
        on_reschedule(schedule_document_on_reschedule)
