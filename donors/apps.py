from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "donors"
    verbose_name = _("Donors")

    def ready(self):
        from funds.ledger import posted
        from funds.models import LedgerTransaction

        from .trace import on_posted

        posted.connect(on_posted, sender=LedgerTransaction, dispatch_uid="donors-trace")
