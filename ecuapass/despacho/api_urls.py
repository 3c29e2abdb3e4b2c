"""Despacho API routes, mounted under /api/v1/ by ecuapass.api.urls."""

from django.conf import settings
from django.urls import path

from ecuapass.core.uploads import upload_limit

from . import api

limited = upload_limit(settings.ECUAPASS_SOPORTE_MAX_BYTES, field="archivo")
N = "<str:numero_entrega>"

urlpatterns = [
    # The operator (menu option 1.3, scoped to the token's or session's código de OCE).
    path(f"despacho/{N}/", api.AforoView.as_view(), name="despacho-aforo"),
    path(
        f"despacho/{N}/solicitudes/<int:solicitud>/archivo/",
        limited(api.SubirView.as_view()),
        name="despacho-subir",
    ),
    path(
        f"despacho/{N}/observaciones/<int:observacion>/respuesta/",
        limited(api.ResponderView.as_view()),
        name="despacho-responder",
    ),
    path(
        f"despacho/{N}/correcciones/<int:correccion>/respuesta/",
        api.CorreccionView.as_view(),
        name="despacho-corregir",
    ),
    path(
        f"despacho/{N}/archivos/<int:archivo>/", api.ArchivoView.as_view(), name="despacho-archivo"
    ),
    # The officers (SENAE's systems: officer tokens or OTP-verified sessions).
    path("interno/bandeja/", api.BandejaView.as_view(), name="interno-bandeja"),
    path(f"interno/tramites/{N}/", api.TramiteView.as_view(), name="interno-tramite"),
    path(f"interno/tramites/{N}/iniciar/", api.iniciar, name="interno-iniciar"),
    path(f"interno/tramites/{N}/solicitudes/", api.solicitudes, name="interno-solicitudes"),
    path(f"interno/tramites/{N}/inspecciones/", api.inspecciones, name="interno-inspecciones"),
    path(
        f"interno/tramites/{N}/inspecciones/<int:pk>/resultado/",
        api.resultado,
        name="interno-resultado",
    ),
    path(f"interno/tramites/{N}/observaciones/", api.observaciones, name="interno-observaciones"),
    path(f"interno/tramites/{N}/correcciones/", api.correcciones, name="interno-correcciones"),
    path(f"interno/tramites/{N}/correcciones/<int:pk>/retiro/", api.retiro, name="interno-retiro"),
    path(f"interno/tramites/{N}/cierre/", api.cierre, name="interno-cierre"),
    path(f"interno/tramites/{N}/asignacion/", api.asignacion, name="interno-asignacion"),
    path(
        f"interno/tramites/{N}/archivos/<int:archivo>/",
        api.ArchivoInternoView.as_view(),
        name="interno-archivo",
    ),
]
