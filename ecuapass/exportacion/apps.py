from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportacionConfig(AppConfig):
    name = "ecuapass.exportacion"
    label = "exportacion"
    verbose_name = _("Exportación: DAE, ingreso, salida, embarque y regularización")

    def ready(self):
        from . import actors, anulacion, cambios, controles, edoc  # noqa: F401 - the DAE, the manifest, DAE-ANU, the depósito

        controles.wire()
        cambios.register()  # DAE-COR and DAE-SUS (correcciones)
