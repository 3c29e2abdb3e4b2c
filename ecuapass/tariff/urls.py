from django.urls import path

from . import views

app_name = "tariff"

urlpatterns = [
    path("", views.consulta, name="consulta"),
    path("calculadora/", views.calculadora, name="calculadora"),
    path("seccion/<str:roman>/", views.seccion, name="seccion"),
    path("<str:codigo>/", views.nodo, name="linea"),
]
