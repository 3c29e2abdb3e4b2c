from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomsConfig(AppConfig):
    name = "ecuapass.customs"
    label = "customs"
    verbose_name = _("Declaraciones aduaneras")

    def ready(self):
        from . import edoc  # noqa: F401  registers the DAI in the e-doc registry
