from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "ecuapass.customs"
    label = "customs"
