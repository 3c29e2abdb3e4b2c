"""Routes of the cargo, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("carga/llegadas/", api.Llegada.as_view(), name="carga-llegada"),
    path("carga/deposito/ingresos/", api.Ingreso.as_view(), name="carga-ingreso"),
    path("carga/deposito/novedades/", api.Novedad.as_view(), name="carga-novedad"),
    path("carga/deposito/salidas/", api.Salida.as_view(), name="carga-salida"),
    path("carga/novedades/", api.Novedades.as_view(), name="carga-novedades"),
]
