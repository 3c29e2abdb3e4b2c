"""The VUE in the portal (namespace "vue", mounted at /vue/): the applicant's pages and the public
verification of issued documents."""

from django.urls import path

from . import views

app_name = "vue"

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path("nueva/", views.nueva, name="nueva"),
    path("borrador/<int:pk>/", views.borrador, name="borrador"),
    path("solicitud/<int:pk>/subsanar/", views.subsanar, name="subsanar"),
    path("solicitud/<int:pk>/adjuntos/<int:adjunto_pk>/", views.adjunto, name="adjunto"),
    path("documento/<str:numero>/pdf/", views.documento_pdf, name="documento_pdf"),
    path("soporte/", views.soporte, name="soporte"),
    path("verificar/", views.verificar, name="verificar_form"),
    path("verificar/<str:numero>/<str:codigo>/", views.verificar, name="verificar"),
]
