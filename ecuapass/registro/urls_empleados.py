"""Mounted at /empleados/ (namespace "registro_empleados"): 3.2.4 Administración de empleado."""

from django.urls import path

from . import views_empleados as views

app_name = "registro_empleados"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<int:pk>/", views.detalle, name="detalle"),
]
