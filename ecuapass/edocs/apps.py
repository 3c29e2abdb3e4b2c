from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdocsConfig(AppConfig):
    name = "ecuapass.edocs"
    label = "edocs"
    verbose_name = _("Documentos electrónicos")

    def ready(self):
        from . import signals  # noqa: F401
