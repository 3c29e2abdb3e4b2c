"""Mounted at /interno/solicitudes/ (namespace "registro_interno"): officers only."""

from django.urls import path

from . import views_interno as views

app_name = "registro_interno"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/documento/", views.documento, name="documento"),
    path("<int:pk>/decidir/", views.decidir, name="decidir"),
]

urlpatterns += [
    path("cambios/", views.cambios, name="cambios"),
    path("cambios/<int:pk>/decidir/", views.decidir_cambio, name="decidir_cambio"),
]
