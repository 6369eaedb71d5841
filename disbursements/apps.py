from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisbursementsConfig(AppConfig):
    name = "disbursements"
    verbose_name = _("Disbursements and loans")

    def ready(self):
        from applications.events import on_transition
        from calls.events import on_claims

        from .selectors import claims_by_event
        from .services.disbursements import on_application_transition

        on_transition(on_application_transition)
        on_claims(claims_by_event)
