from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ecuapass.portal"
    label = "portal"

    def ready(self):
        from . import signals  # noqa: F401 - the snapshot's invalidation
