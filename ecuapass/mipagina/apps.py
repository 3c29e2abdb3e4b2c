from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MiPaginaConfig(AppConfig):
    name = "ecuapass.mipagina"
    label = "mipagina"
    verbose_name = _("Mi página")

    def ready(self):
        from . import builtin_blocks

        builtin_blocks.register_all()
