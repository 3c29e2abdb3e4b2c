"""Portal routes of the cargo, mounted at /carga/ (namespace "carga")."""

from django.urls import path

from . import views

app_name = "carga"

urlpatterns = [
    # 1.1 «Nuevo»: each type's create_url.
    path("manifiesto/nuevo/", views.nuevo, {"code": "MAN"}, name="nuevo_man"),
    path("desconsolidacion/nueva/", views.nuevo, {"code": "MAN-H"}, name="nuevo_man_h"),
    path("correccion/nueva/", views.nuevo, {"code": "MAN-COR"}, name="nuevo_man_cor"),
    path("borrador/<int:pk>/", views.borrador, name="borrador"),
    # The carrier, on the manifest's page (1.3).
    path("manifiesto/<int:pk>/llegada/", views.llegada, name="llegada"),
    # 1.13 Registro de carga en depósito temporal.
    path("deposito/", views.deposito, name="deposito"),
    path("deposito/carga/<int:pk>/", views.deposito_documento, name="deposito_documento"),
    # 2.11 Servicio de información de Despacho/Carga.
    path("consulta/", views.consulta, name="consulta"),
]
