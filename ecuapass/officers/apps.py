from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "ecuapass.officers"
    label = "officers"
    verbose_name = _("Funcionarios aduaneros")

    def ready(self):
        from . import schema, signals  # noqa: F401 - OpenAPI auth extension, login receiver
        from .services import register_roles

        register_roles()
