app_name = "tariff"

urlpatterns: list = []
