"""Portal interno, cargo (mounted by the project under /interno/consulta-carga/; /interno/carga/ is the despacho's workload page)."""

from django.urls import path

from . import views_interno

app_name = "carga_interno"

urlpatterns = [
    path("", views_interno.consulta, name="consulta"),
]
