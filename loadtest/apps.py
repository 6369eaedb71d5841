from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoadtestConfig(AppConfig):
    """Load data for the performance benchmarks (``manage.py generate_load_data``). No models."""

    name = "loadtest"
    verbose_name = _("Load data")
