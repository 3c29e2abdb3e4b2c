"""Despacho pages of the portal interno, included by ``ecuapass/officers/urls.py`` into the
"interno" namespace (no ``app_name`` here: the names are ``interno:bandeja`` and so on)."""

from django.urls import path

from . import views_interno as views

urlpatterns = [
    path("bandeja/", views.bandeja, name="bandeja"),
    path("carga/", views.carga, name="carga"),
    path("tramites/<int:pk>/", views.tramite, name="tramite"),
    path("tramites/<int:pk>/archivos/<int:attachment_pk>/", views.archivo, name="tramite_archivo"),
    path("tramites/<int:pk>/<slug:accion>/", views.accion, name="tramite_accion"),
]
