from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistroConfig(AppConfig):
    name = "ecuapass.registro"
    label = "registro"
    verbose_name = _("Registro de usuarios")
