from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DespachoConfig(AppConfig):
    name = "ecuapass.despacho"
    label = "despacho"
    verbose_name = _("Despacho y aforo")

    def ready(self):
        from ecuapass.risk.history import register_infraction_source

        from .services import infractions_of

        # The motor de riesgo counts an importer's previous multas (profiles on infracciones).
        register_infraction_source(infractions_of)
