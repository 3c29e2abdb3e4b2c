"""Routes of the export trámite, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("exportacion/deposito/dae/", api.DepositoDaes.as_view(), name="exportacion-deposito-daes"),
    path(
        "exportacion/dae/<str:numero>/ingreso/",
        api.Ingreso.as_view(),
        name="exportacion-ingreso",
    ),
    path("exportacion/dae/<str:numero>/salida/", api.Salida.as_view(), name="exportacion-salida"),
    path(
        "exportacion/dae/<str:numero>/regularizacion/",
        api.Regularizar.as_view(),
        name="exportacion-regularizacion",
    ),
    path(
        "interno/exportacion/anulaciones/<str:numero_entrega>/decision/",
        api.DecisionAnulacion.as_view(),
        name="interno-anulacion-dae-decision",
    ),
]
