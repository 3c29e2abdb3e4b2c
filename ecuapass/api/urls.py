"""API v1. Each context adds its routes in ``ecuapass/<context>/api.py``; this module mounts them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", permission_classes=[AllowAny]),
        name="redoc",
    ),
    path("", include("ecuapass.tariff.api_urls")),
    path("", include("ecuapass.notifications.api_urls")),
    path("", include("ecuapass.edocs.api_urls")),
]
