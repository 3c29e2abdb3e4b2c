"""The operator's despacho actions, mounted at /despacho/ (namespace "despacho")."""

from django.urls import path

from . import views

app_name = "despacho"

urlpatterns = [
    path("<int:pk>/solicitudes/<int:request_pk>/archivo/", views.subir, name="subir"),
    path(
        "<int:pk>/observaciones/<int:observation_pk>/respuesta/", views.responder, name="responder"
    ),
    path("<int:pk>/correcciones/<int:correction_pk>/respuesta/", views.corregir, name="corregir"),
    path("<int:pk>/archivos/<int:attachment_pk>/", views.archivo, name="archivo"),
]
