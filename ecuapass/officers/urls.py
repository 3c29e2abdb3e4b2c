"""The portal interno (namespace "interno", mounted at /interno/ in config/urls.py).

The despacho context (bandeja, case pages, supervisor's workload) adds its own URLs to this
namespace: it appends ``path("", include("ecuapass.despacho.urls_interno"))`` below, whose module
must not declare an ``app_name`` (its names become ``interno:<name>``).
"""

from django.urls import include, path

from . import views

app_name = "interno"

urlpatterns = [
    path("", views.home, name="home"),
    path("verificar/", views.verify, name="verificar"),
    # Requests on DAIs: corrección, sustitutiva, anulación (ecuapass.correcciones).
    path("", include("ecuapass.correcciones.urls_interno")),
    # Bandeja de trámites, the trámite's aforo, the supervisor's workload (ecuapass.despacho).
    path("", include("ecuapass.despacho.urls_interno")),
]
