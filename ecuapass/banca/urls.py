from django.urls import path

from . import views

app_name = "banca"

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("pagar/", views.pagar, name="pagar"),
    path("pagos/<int:pk>/reversar/", views.reversar, name="reversar"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revocar/", views.revocar, name="revocar"),
]
