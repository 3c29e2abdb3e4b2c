"""Portal interno pages of the 1.11 requests (mounted at /interno/facilidades/)."""

from django.urls import path

from . import views_abandono, views_garantias
from . import views_interno as views

app_name = "facilidades_interno"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("<int:pk>/", views.detalle, name="detalle"),
    path("<int:pk>/decision/", views.decidir, name="decidir"),
    path("garantias/", views_garantias.interno, name="garantias"),
    path("abandono/", views_abandono.interno, name="abandonos"),
    path("garantias/<int:pk>/decision/", views_garantias.decidir, name="garantia_decidir"),
    path(
        "garantias/<int:pk>/efectivizar/<int:obligation_pk>/",
        views_garantias.efectivizar,
        name="garantia_efectivizar",
    ),
]
