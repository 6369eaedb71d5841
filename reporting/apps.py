from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Project reports and outcomes")

    def ready(self):
        from disbursements.events import on_paid
        from notifications.deadlines import deadline_action_register

        from .notices import DEADLINE_ACTIONS
        from .services import project_reports_create_for_award

        on_paid(project_reports_create_for_award)
        for kind, action in DEADLINE_ACTIONS.items():
            deadline_action_register(kind, action)
