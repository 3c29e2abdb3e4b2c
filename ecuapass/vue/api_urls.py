"""Routes of the VUE, mounted under /api/v1/ by ecuapass.api.urls."""

from django.urls import path

from . import api

urlpatterns = [
    path("vue/tipos/", api.Tipos.as_view(), name="vue-tipos"),
    path(
        "vue/solicitudes/<str:numero_entrega>/subsanacion/",
        api.Subsanacion.as_view(),
        name="vue-subsanacion",
    ),
    path("vue/documentos/<str:numero>/", api.Documento.as_view(), name="vue-documento"),
    path(
        "interno/vue/solicitudes/",
        api.SolicitudesInternas.as_view(),
        name="interno-vue-solicitudes",
    ),
    path(
        "interno/vue/solicitudes/<str:numero_entrega>/decision/",
        api.Decision.as_view(),
        name="interno-vue-decision",
    ),
]
