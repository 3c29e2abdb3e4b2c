from django.apps import AppConfig


class EdocsConfig(AppConfig):
    name = "ecuapass.edocs"
    label = "edocs"
