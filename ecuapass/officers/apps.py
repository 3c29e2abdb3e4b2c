from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficersConfig(AppConfig):
    name = "ecuapass.officers"
    label = "officers"
    verbose_name = _("Funcionarios aduaneros")

    def ready(self):
        from . import schema  # noqa: F401 - registers the OpenAPI auth extension
        from .services import register_roles

        register_roles()
