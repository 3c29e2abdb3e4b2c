app_name = "edocs"

urlpatterns: list = []
