from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BancaConfig(AppConfig):
    name = "ecuapass.banca"
    label = "banca"
    verbose_name = _("Entidades financieras")
