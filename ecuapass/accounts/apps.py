from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ecuapass.accounts"
    label = "accounts"
    verbose_name = _("Operadores y usuarios")

    def ready(self):
        from . import signals  # noqa: F401 - connect receivers
