from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Cross-cutting guards: two-factor sign-in, security headers, the 503 page, the audit history."""

    name = "security"
    verbose_name = _("Security")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .two_factor import require_second_factor_on_login

        user_logged_in.connect(require_second_factor_on_login, dispatch_uid="security-two-factor")
