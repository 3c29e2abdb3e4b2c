from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("healthz/live", views.live, name="live"),
    path("healthz/ready", views.ready, name="ready"),
    path("metrics", views.metrics_view, name="metrics"),
    path("estado/", views.estado_servicio, name="estado"),
]
