"""Routes of the requests on DAIs, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("dai/<str:numero_entrega>/versiones/", api.DaiVersiones.as_view(), name="dai-versiones"),
    path(
        "interno/solicitudes-dai/",
        api.SolicitudesInternas.as_view(),
        name="interno-solicitudes-dai",
    ),
    path(
        "interno/solicitudes-dai/<str:numero_entrega>/decision/",
        api.Decision.as_view(),
        name="interno-solicitud-dai-decision",
    ),
    path(
        "interno/correcciones/<str:numero_entrega>/aforo/",
        api.CorreccionAforo.as_view(),
        name="interno-correccion-aforo",
    ),
]
