from django.urls import path

from . import views, views_abandono, views_facilidades, views_garantias

app_name = "obligaciones"

urlpatterns = [
    path("", views.lista, name="lista"),
    path("garantias/", views_garantias.operador, name="garantias"),
    path("abandono/", views_abandono.operador, name="abandonos"),
    path("facilidades/", views_facilidades.lista, name="facilidades"),
    path("facilidades/nueva/", views_facilidades.nueva, name="facilidad_nueva"),
    path(
        "facilidades/nueva/<int:pk>/", views_facilidades.nueva_desde, name="facilidad_nueva_desde"
    ),
    path("facilidades/plan/<int:pk>/", views_facilidades.plan, name="plan"),
    path(
        "documento/<int:pk>/autorizacion-de-salida.pdf",
        views.autorizacion_salida,
        name="autorizacion_salida",
    ),
    path("notas/<str:numero>/", views.nota, name="nota"),
    path("<str:numero>/", views.detalle, name="detalle"),
    path("<str:numero>/orden-de-pago.pdf", views.orden_de_pago, name="orden_de_pago"),
]
