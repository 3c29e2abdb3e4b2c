"""The user's own security settings (namespace "seguridad", mounted at /seguridad/)."""

from django.urls import path

from . import views

app_name = "seguridad"

urlpatterns = [
    path("segundo-factor/", views.second_factor_settings, name="segundo_factor"),
]
