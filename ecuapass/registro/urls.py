from django.urls import path

from . import views

app_name = "registro"

urlpatterns = [
    path("reiniciar-clave/", views.reiniciar_clave, name="reiniciar_clave"),
    path("reiniciar-clave/codigo/", views.reiniciar_codigo, name="reiniciar_codigo"),
]

urlpatterns += [
    path("nuevo-registro/", views.nuevo_registro, name="nuevo"),
    path("nuevo-registro/convenio/", views.convenio, name="convenio"),
    path("nuevo-registro/verificar/", views.verificar, name="verificar"),
    path("nuevo-registro/<slug:kind>/", views.solicitud, name="solicitud"),
]
