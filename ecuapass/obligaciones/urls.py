from django.urls import path

from . import views

app_name = "obligaciones"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<str:numero>/", views.detalle, name="detalle"),
    path("<str:numero>/orden-de-pago.pdf", views.orden_de_pago, name="orden_de_pago"),
    path(
        "documento/<int:pk>/autorizacion-de-salida.pdf",
        views.autorizacion_salida,
        name="autorizacion_salida",
    ),
]
