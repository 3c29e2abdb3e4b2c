"""Portal interno pages of the requests on DAIs, included by ``ecuapass/officers/urls.py`` into the
"interno" namespace (no ``app_name`` here: the names are ``interno:solicitudes_dai`` and so on)."""

from django.urls import path

from . import views_interno as views

urlpatterns = [
    path("solicitudes-dai/", views.solicitudes, name="solicitudes_dai"),
    path("solicitudes-dai/<int:pk>/", views.solicitud, name="solicitud_dai"),
    path("solicitudes-dai/<int:pk>/decision/", views.decidir, name="solicitud_dai_decidir"),
    path(
        "solicitudes-dai/<int:pk>/adjuntos/<int:adjunto_pk>/",
        views.adjunto,
        name="solicitud_dai_adjunto",
    ),
]
