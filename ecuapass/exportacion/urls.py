"""Portal screens of the export trámite, mounted at /exportacion/ (namespace "exportacion")."""

from django.urls import path

from . import views

app_name = "exportacion"

urlpatterns = [
    # 1.1 — the exporter's (or its broker's) DAE and the carrier's manifest.
    path("dae/nueva/", views.nueva, name="nueva"),
    path("dae/<int:pk>/editar/", views.editar, name="editar"),
    path("dae/plantilla-items.xlsx", views.plantilla_items, name="plantilla_items"),
    path("dae/<int:pk>/dae.pdf", views.dae_pdf, name="dae_pdf"),
    path("manifiesto/nuevo/", views.nuevo_manifiesto, name="nuevo_manifiesto"),
    path("anulacion/nueva/", views.nueva_anulacion, name="nueva_anulacion"),
    path("anulacion/<int:pk>/editar/", views.editar_anulacion, name="editar_anulacion"),
    path("manifiesto/<int:pk>/editar/", views.editar_manifiesto, name="editar_manifiesto"),
    # 1.3 — the exporter regularises from the DAE's page.
    path("dae/<int:pk>/regularizar/", views.regularizar, name="regularizar"),
    # 1.14 — the depósito temporal's informes.
    path("deposito/", views.deposito, name="deposito"),
    path("deposito/dae/<int:pk>/", views.deposito_dae, name="deposito_dae"),
]
