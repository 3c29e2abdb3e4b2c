from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TariffConfig(AppConfig):
    name = "ecuapass.tariff"
    label = "tariff"
    verbose_name = _("Arancel")

    def ready(self):
        from . import signals  # noqa: F401
