from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "ecuapass.portal"
    label = "portal"
