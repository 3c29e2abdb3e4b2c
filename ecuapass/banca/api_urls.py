"""Banks' API under /api/v1/banca/ (mounted by ecuapass/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("banca/obligaciones/<str:numero>/", api.ObligacionView.as_view(), name="banca-obligacion"),
    path("banca/pagos/", api.PagosView.as_view(), name="banca-pagos"),
    path("banca/pagos/<int:pk>/reverso/", api.ReversoView.as_view(), name="banca-reverso"),
    path("banca/conciliacion/", api.ConciliacionView.as_view(), name="banca-conciliacion"),
]
