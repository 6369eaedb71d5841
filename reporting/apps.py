from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Project reports and outcomes")

    def ready(self):
        from applications.events import on_close_check
        from disbursements.events import on_paid, on_tranche_check
        from notifications.deadlines import deadline_action_register

        from .notices import DEADLINE_ACTIONS
        from .selectors import close_refusals, tranche_refusals
        from .services import project_reports_create_for_award

        on_paid(project_reports_create_for_award)
        on_close_check(close_refusals)
        on_tranche_check(tranche_refusals)
        for kind, action in DEADLINE_ACTIONS.items():
            deadline_action_register(kind, action)
