"""Portal interno pages of the 1.11 requests (mounted at /interno/facilidades/)."""

from django.urls import path

from . import views_interno as views

app_name = "facilidades_interno"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/decision/", views.decidir, name="decidir"),
]
