from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BancaConfig(AppConfig):
    name = "ecuapass.banca"
    label = "banca"
    verbose_name = _("Entidades financieras")

    def ready(self):
        from . import schema  # noqa: F401 - OpenAPI auth extension
