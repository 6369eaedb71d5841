from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from applications.events import on_transition
        from funds.ledger import posted
        from funds.models import LedgerTransaction

        from .cache import on_ledger_posted
        from .cache import on_transition as refresh_on_transition

        # The next award, payment or repayment, or an award's next step, makes new files.
        posted.connect(on_ledger_posted, sender=LedgerTransaction, dispatch_uid="opendata-refresh")
        on_transition(refresh_on_transition)
