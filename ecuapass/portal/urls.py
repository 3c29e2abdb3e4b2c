from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("menu/<slug:group>/", views.group, name="group"),
    path("guia/", views.guide, name="guide"),
    path("mi-menu/estrella/", views.favourite_toggle, name="favourite_toggle"),
    path("mi-menu/<int:pk>/quitar/", views.favourite_remove, name="favourite_remove"),
    path("mi-menu/<int:pk>/mover/", views.favourite_move, name="favourite_move"),
]
