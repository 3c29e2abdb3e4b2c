from django.urls import path

from . import views

app_name = "mipagina"

urlpatterns = [
    path("", views.inicio, name="inicio"),
]
