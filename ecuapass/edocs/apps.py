from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdocsConfig(AppConfig):
    name = "ecuapass.edocs"
    label = "edocs"
    verbose_name = _("Documentos electrónicos")

    def ready(self):
        from ecuapass.accounts.context import register_prefetch

        from . import signals  # noqa: F401
        from .selectors import prefetch_keys

        # 1.3's documents version, read with the access snapshot's versions (one round trip).
        register_prefetch(prefetch_keys)
