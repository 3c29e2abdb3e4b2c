from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistroConfig(AppConfig):
    name = "ecuapass.registro"
    label = "registro"
    verbose_name = _("Registro de usuarios")

    def ready(self):
        from ecuapass.mipagina.blocks import Block, register
        from ecuapass.officers.second_factor import register_recovery

        from . import annual, recovery
        from .blocks import security_rows

        annual.connect()
        register_recovery(recovery.use)
        register(
            Block(
                key="registro.seguridad",
                title=_("Seguridad de la cuenta"),
                rows=security_rows,
                order=80,
            )
        )
