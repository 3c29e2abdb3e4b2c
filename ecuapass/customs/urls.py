from django.urls import path

from . import views

app_name = "customs"

urlpatterns = [
    path("dai/nueva/", views.nueva, name="nueva"),
    path("dai/<int:pk>/editar/", views.editar, name="editar"),
    path("dai/<int:pk>/items/", views.item, name="agregar_item"),
    path("dai/<int:pk>/items/<int:numero>/", views.item, name="item"),
    path("dai/<int:pk>/items/<int:numero>/eliminar/", views.eliminar_item, name="eliminar_item"),
    path("dai/catalogos/paises.json", views.catalogo, {"nombre": "paises"}, name="paises"),
    path("dai/catalogos/unidades.json", views.catalogo, {"nombre": "unidades"}, name="unidades"),
    path("dai/catalogos/monedas.json", views.catalogo, {"nombre": "monedas"}, name="monedas"),
    path("dai/plantilla-items.xlsx", views.plantilla_items, name="plantilla_items"),
    path("dai/<int:pk>/items.xlsx", views.exportar_items, name="exportar_items"),
    path("dai/<int:pk>/dai.pdf", views.dai_pdf, name="dai_pdf"),
    path("dai/<int:pk>/liquidacion.pdf", views.liquidacion_pdf, name="liquidacion_pdf"),
]
