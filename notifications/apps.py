from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from applications.events import on_transition
        from calls.events import on_declared
        from disbursements.events import on_payment, on_reschedule

        from .declared_events import on_declared as tell_of_event
        from .handlers import on_application_transition
        from .payments import on_payment as tell_of_payment
        from .payments import on_reschedule as tell_of_reschedule

        on_transition(on_application_transition)
        on_payment(tell_of_payment)
        on_reschedule(tell_of_reschedule)
        on_declared(tell_of_event)
