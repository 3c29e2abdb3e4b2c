from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from ecuapass.core import views as core_views

urlpatterns = [
    # First: an API request is resolved without walking the portal's "" includes before it
    # (~570 routes: 79 -> ~10 us per request). No other route can match a path under api/v1/
    # (tests/test_url_security.py checks it), so the order changes no answer.
    path("api/v1/", include("ecuapass.api.urls")),
    path("", include("ecuapass.core.urls")),
    path("", include("ecuapass.ops.urls")),
    path("", include("ecuapass.portal.urls")),
    path("", include("ecuapass.accounts.urls")),
    path("", include("ecuapass.registro.urls")),
    path("buzon/", include("ecuapass.notifications.urls")),
    path("arancel/", include("ecuapass.tariff.urls")),
    path("edocs/", include("ecuapass.edocs.urls")),
    path("declaraciones/", include("ecuapass.customs.urls")),
    path("despacho/", include("ecuapass.despacho.urls")),
    path("correcciones/", include("ecuapass.correcciones.urls")),
    path("carga/", include("ecuapass.carga.urls")),
    path("exportacion/", include("ecuapass.exportacion.urls")),
    path("mi-pagina/", include("ecuapass.mipagina.urls")),
    path("empleados/", include("ecuapass.registro.urls_empleados")),
    path("registro/", include("ecuapass.registro.urls_modificar")),
    path("obligaciones/", include("ecuapass.obligaciones.urls")),
    path("banca/", include("ecuapass.banca.urls")),
    path("vue/", include("ecuapass.vue.urls")),
    path("entidad/", include("ecuapass.vue.urls_entidad")),
    path("interno/riesgo/", include("ecuapass.risk.urls")),
    path("interno/consulta-carga/", include("ecuapass.carga.urls_interno")),
    path("interno/facilidades/", include("ecuapass.obligaciones.urls_interno")),
    path("interno/solicitudes/", include("ecuapass.registro.urls_interno")),
    path("interno/exportacion/", include("ecuapass.exportacion.urls_interno")),
    path("interno/", include("ecuapass.officers.urls")),
    path("seguridad/", include("ecuapass.officers.security_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = core_views.error_400
handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500
