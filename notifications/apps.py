from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from applications.events import on_transition

        from .handlers import on_application_transition

        on_transition(on_application_transition)
