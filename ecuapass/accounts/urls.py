from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("ingresar/", views.login_view, name="login"),
    path("ingresar/tipo-oce/", views.select_type, name="select_type"),
    path("ingresar/codigo-oce/", views.select_code, name="select_code"),
    path("cambiar-oce/", views.change_oce, name="change_oce"),
    path("salir/", views.logout_view, name="logout"),
    path("sesion/mantener/", views.keepalive, name="keepalive"),
]
