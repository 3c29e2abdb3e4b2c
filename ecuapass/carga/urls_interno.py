"""Portal interno, cargo (mounted by the project under /interno/carga/)."""

from django.urls import path

from . import views_interno

app_name = "carga_interno"

urlpatterns = [
    path("", views_interno.consulta, name="consulta"),
]
