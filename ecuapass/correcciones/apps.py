from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorreccionesConfig(AppConfig):
    name = "ecuapass.correcciones"
    label = "correcciones"
    verbose_name = _("Correcciones de la DAI solicitadas por el operador")

    def ready(self):
        from . import edoc  # noqa: F401 - registers the three e-doc types
