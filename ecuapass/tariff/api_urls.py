"""Tariff API routes, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("arancel/", api.SearchView.as_view(), name="arancel-search"),
    path("arancel/<str:codigo>/", api.LineView.as_view(), name="arancel-line"),
    path("tributos/", api.CalculationView.as_view(), name="tributos"),
]
