"""e-doc API routes, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import include, path

from . import api

edocs_patterns = (
    [
        path("", api.EdocListCreate.as_view(), name="list"),
        path("<str:numero_entrega>/", api.EdocDetail.as_view(), name="detail"),
    ],
    "edocs_api",
)

urlpatterns: list = [path("edocs/", include(edocs_patterns))]
