from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CargaConfig(AppConfig):
    name = "ecuapass.carga"
    label = "carga"
    verbose_name = _("Carga: manifiestos, llegada y depósito temporal")

    def ready(self):
        from . import (
            edoc,  # noqa: F401 - registers MAN, MAN-H and MAN-COR
            signals,  # noqa: F401 - the DAI's discharge against its cargo
        )
