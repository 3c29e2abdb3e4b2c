"""Portal interno pages of the export trámite, mounted at /interno/exportacion/
(namespace "exportacion_interno")."""

from django.urls import path

from . import views_interno as views

app_name = "exportacion_interno"

urlpatterns = [
    path("anulaciones/", views.anulaciones, name="anulaciones"),
    path("anulaciones/<int:pk>/decision/", views.decidir, name="decidir"),
    path("aforo/", views.aforos, name="aforos"),
    path("aforo/<int:pk>/correccion/", views.corregir, name="corregir"),
]
