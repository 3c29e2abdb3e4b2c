"""Mounted at /registro/ (namespace "registro_modificar"): 3.2.3."""

from django.urls import path

from . import views_modificar as views

app_name = "registro_modificar"

urlpatterns = [
    path("modificar/", views.modificar_registro, name="modificar"),
    path("codigos-recuperacion/", views.recuperacion, name="recuperacion"),
    path("actualizacion-anual/", views.actualizacion_anual, name="actualizacion_anual"),
]
