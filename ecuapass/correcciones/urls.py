"""The operator's requests on a DAI, mounted at /correcciones/ (namespace "correcciones")."""

from django.urls import path

from . import views

app_name = "correcciones"

urlpatterns = [
    # 1.1 «Nuevo»: each type's create_url (choose the DAI first).
    path("correccion/nueva/", views.nueva, {"tipo": "correccion"}, name="nueva_correccion"),
    path("sustitutiva/nueva/", views.nueva, {"tipo": "sustitutiva"}, name="nueva_sustitutiva"),
    path("anulacion/nueva/", views.nueva, {"tipo": "anulacion"}, name="nueva_anulacion"),
    # The form of each type on a declaration (a DAI or a DAE: its type is the document's):
    # reverse("correcciones:presentar", kwargs={pk, tipo}).
    path("dai/<int:pk>/correccion/", views.presentar, {"tipo": "correccion"}, name="presentar"),
    path("dai/<int:pk>/sustitutiva/", views.presentar, {"tipo": "sustitutiva"}, name="presentar"),
    path("dai/<int:pk>/anulacion/", views.presentar, {"tipo": "anulacion"}, name="presentar"),
    # The DAE's (its anulación is exportacion's DAE-ANU).
    path(
        "dae/correccion/nueva/",
        views.nueva,
        {"tipo": "correccion", "declaracion": "DAE"},
        name="nueva_dae_correccion",
    ),
    path(
        "dae/sustitutiva/nueva/",
        views.nueva,
        {"tipo": "sustitutiva", "declaracion": "DAE"},
        name="nueva_dae_sustitutiva",
    ),
    path("borrador/<int:pk>/", views.borrador, name="borrador"),
    path("solicitud/<int:pk>/adjuntos/<int:adjunto_pk>/", views.adjunto, name="adjunto"),
]
