from django.apps import AppConfig


class TariffConfig(AppConfig):
    name = "ecuapass.tariff"
    label = "tariff"
