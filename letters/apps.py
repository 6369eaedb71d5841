from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Decision letters")

    def ready(self):
        from applications.events import on_transition

        from .services import letter_on_transition

        on_transition(letter_on_transition)
