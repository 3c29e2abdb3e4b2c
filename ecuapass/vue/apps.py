from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VueConfig(AppConfig):
    name = "ecuapass.vue"
    label = "vue"
    verbose_name = _("Ventanilla Única (VUE)")

    def ready(self):
        from . import edoc, openapi, signals  # noqa: F401 - the type, its actors, hooks, OpenAPI auth
