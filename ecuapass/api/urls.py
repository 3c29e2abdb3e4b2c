"""API v1. Each context mounts its routes from ``ecuapass/<context>/api_urls.py``."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

app_name = "api"

# Swagger UI is served offline (drf-spectacular-sidecar) with its script as a separate file,
# so the page keeps script-src 'self'; it only needs inline styles.
docs_view = csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema", permission_classes=[AllowAny])
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny]), name="schema"),
    path("docs/", docs_view, name="docs"),
    path("", include("ecuapass.tariff.api_urls")),
    path("", include("ecuapass.notifications.api_urls")),
    path("", include("ecuapass.edocs.api_urls")),
    path("", include("ecuapass.officers.api_urls")),
    path("", include("ecuapass.despacho.api_urls")),
    path("", include("ecuapass.correcciones.api_urls")),
    path("", include("ecuapass.banca.api_urls")),
    path("", include("ecuapass.carga.api_urls")),
    path("", include("ecuapass.exportacion.api_urls")),
    path("", include("ecuapass.vue.api_urls")),
]
