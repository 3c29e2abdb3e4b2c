from django.urls import path

from ecuapass.api import token_views

from . import views

app_name = "edocs"

urlpatterns = [
    path("", views.elaboracion, name="elaboracion"),
    path("estados/", views.estados, name="estados"),
    path("documento/<int:pk>/", views.documento, name="documento"),
    path("documento/<int:pk>/original/", views.original, name="original"),
    path("documento/<int:pk>/copiar/", views.copiar, name="copiar"),
    path("borrador/<int:pk>/eliminar/", views.eliminar_borrador, name="eliminar_borrador"),
    path("tokens/", token_views.tokens, name="api_tokens"),
    path("tokens/<int:pk>/revocar/", token_views.revoke, name="api_token_revoke"),
]
