from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from organizations.events import on_search_text_changed

        from .models import application_search_text_refresh

        on_search_text_changed(application_search_text_refresh)
