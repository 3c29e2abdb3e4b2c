"""Portal interno, motor de riesgo (mounted by the project under /interno/riesgo/)."""

from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("", views.profile_list, name="perfiles"),
    path("nuevo/", views.profile_create, name="nuevo"),
    path("<int:pk>/", views.profile_detail, name="perfil"),
    path("<int:pk>/editar/", views.profile_edit, name="editar"),
    path("<int:pk>/aprobar/", views.profile_approve, name="aprobar"),
    path("<int:pk>/desactivar/", views.profile_deactivate, name="desactivar"),
    path("<int:pk>/simular/", views.profile_simulate, name="simular"),
    path("asignaciones/<int:edoc_pk>/", views.assignment_detail, name="asignacion"),
]
