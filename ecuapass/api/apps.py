from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ecuapass.api"
    label = "api"
