from django.urls import path

from . import views

app_name = "registro"

urlpatterns = [
    path("reiniciar-clave/", views.reiniciar_clave, name="reiniciar_clave"),
    path("reiniciar-clave/codigo/", views.reiniciar_codigo, name="reiniciar_codigo"),
]
