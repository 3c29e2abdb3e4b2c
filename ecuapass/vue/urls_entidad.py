"""The agencies' workbench (namespace "entidad", mounted at /entidad/)."""

from django.urls import path

from . import views

app_name = "entidad"

urlpatterns = [
    path("", views.bandeja, name="bandeja"),
    path("solicitud/<int:pk>/", views.revisar, name="revisar"),
    path("solicitud/<int:pk>/reasignar/", views.reasignar, name="reasignar"),
    path("solicitud/<int:pk>/anular/", views.anular, name="anular"),
    path("solicitud/<int:pk>/adjuntos/<int:adjunto_pk>/", views.adjunto_entidad, name="adjunto"),
    path("documento/<str:numero>/pdf/", views.documento_pdf_entidad, name="documento_pdf"),
]
