from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObligacionesConfig(AppConfig):
    name = "ecuapass.obligaciones"
    label = "obligaciones"
    verbose_name = _("Obligaciones y pagos")
