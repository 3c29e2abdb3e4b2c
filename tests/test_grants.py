"""Every portal URL and API endpoint checks the grant of the menu option it belongs to.

An employee of the demo importer acts as its código 29000001 holding, in turn,
no option at all, each single option, and all options; each URL and endpoint
must answer 403 exactly when the option it belongs to is not held. The walk
also fails when the URLconf grows a private URL that is classified neither as
grant-bound (``GATED``) nor as open to any signed-in user (``UNGATED``).
"""

from __future__ import annotations

import json
import re

import pytest

from ecuapass.accounts.models import Grant, User
from ecuapass.api.models import ApiToken
from ecuapass.edocs import services
from ecuapass.edocs.models import EDocument
from ecuapass.portal.models import GrantedOption, MenuEntry
from tests.support.world import dai_payload
from tests.test_url_security import ALL_URLS, _is_public

pytestmark = pytest.mark.django_db

# (method, URL template, the options any one of which grants it, how to call it).
# Templates: {sent} a sent DAI, {draft} a draft DAI, {numero} the sent DAI's número
# de entrega, {tok} the id of one of the employee's tokens. "token" calls the API
# with an API token of the employee; "session" with the portal session.
GATED = [
    ("GET", "/edocs/", {"1.1"}, "session"),
    ("GET", "/edocs/estados/", {"1.3"}, "session"),
    ("GET", "/edocs/estados/?formato=xlsx", {"1.3"}, "session"),
    ("GET", "/edocs/estados/?formato=csv", {"1.3"}, "session"),
    ("GET", "/edocs/documento/{sent}/", {"1.3"}, "session"),
    ("GET", "/edocs/documento/{draft}/", {"1.1"}, "session"),
    ("GET", "/edocs/documento/{sent}/original/", {"1.3"}, "session"),
    ("POST", "/edocs/documento/{sent}/copiar/", {"1.1"}, "session"),
    ("GET", "/edocs/tokens/", {"1.1", "1.3"}, "session"),
    ("POST", "/edocs/tokens/", {"1.1", "1.3"}, "session"),
    ("GET", "/declaraciones/dai/nueva/", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/{draft}/editar/", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/plantilla-items.xlsx", {"1.1"}, "session"),
    ("POST", "/declaraciones/dai/{draft}/items/", {"1.1"}, "session"),
    ("POST", "/declaraciones/dai/{draft}/items/1/", {"1.1"}, "session"),
    ("POST", "/declaraciones/dai/{draft}/items/1/eliminar/", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/catalogos/paises.json", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/catalogos/unidades.json", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/catalogos/monedas.json", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/{draft}/items.xlsx", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/{sent}/items.xlsx", {"1.3"}, "session"),
    ("GET", "/declaraciones/dai/{draft}/dai.pdf", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/{sent}/dai.pdf", {"1.3"}, "session"),
    ("GET", "/declaraciones/dai/{draft}/liquidacion.pdf", {"1.1"}, "session"),
    ("GET", "/declaraciones/dai/{sent}/liquidacion.pdf", {"1.3"}, "session"),
    ("GET", "/api/v1/edocs/", {"1.3"}, "token"),
    ("GET", "/api/v1/edocs/", {"1.3"}, "session"),
    ("GET", "/api/v1/edocs/{numero}/", {"1.3"}, "token"),
    ("POST", "/api/v1/edocs/", {"1.1"}, "token"),
    ("POST", "/api/v1/edocs/", {"1.1"}, "session"),
    # Requests on a DAI (ecuapass.correcciones): filed under 1.1, a DAI's versions under 1.3.
    ("GET", "/correcciones/correccion/nueva/", {"1.1"}, "session"),
    ("GET", "/correcciones/sustitutiva/nueva/", {"1.1"}, "session"),
    ("GET", "/correcciones/anulacion/nueva/", {"1.1"}, "session"),
    ("GET", "/correcciones/dai/{sent}/correccion/", {"1.1"}, "session"),
    ("GET", "/correcciones/dai/{sent}/sustitutiva/", {"1.1"}, "session"),
    ("GET", "/correcciones/dai/{sent}/anulacion/", {"1.1"}, "session"),
    ("GET", "/correcciones/borrador/{draft}/", {"1.1"}, "session"),
    # Requests on a DAE (its corrección / sustitutiva): the same form at /correcciones/dai/<pk>/….
    ("GET", "/correcciones/dae/correccion/nueva/", {"1.1"}, "session"),
    ("GET", "/correcciones/dae/sustitutiva/nueva/", {"1.1"}, "session"),
    ("GET", "/api/v1/dai/{numero}/versiones/", {"1.3"}, "token"),
    ("GET", "/api/v1/dai/{numero}/versiones/", {"1.3"}, "session"),
    # The despacho: the operator's answers in the aforo of a sent document (1.3).
    ("GET", "/api/v1/despacho/{numero}/", {"1.3"}, "token"),
    ("POST", "/api/v1/despacho/{numero}/solicitudes/{req}/archivo/", {"1.3"}, "token"),
    ("POST", "/api/v1/despacho/{numero}/observaciones/{obs}/respuesta/", {"1.3"}, "token"),
    ("POST", "/api/v1/despacho/{numero}/correcciones/{corr}/respuesta/", {"1.3"}, "token"),
    ("GET", "/api/v1/despacho/{numero}/archivos/{att}/", {"1.3"}, "token"),
    ("POST", "/despacho/{sent}/solicitudes/{req}/archivo/", {"1.3"}, "session"),
    ("POST", "/despacho/{sent}/observaciones/{obs}/respuesta/", {"1.3"}, "session"),
    ("POST", "/despacho/{sent}/correcciones/{corr}/respuesta/", {"1.3"}, "session"),
    ("GET", "/despacho/{sent}/archivos/{att}/", {"1.3"}, "session"),
    # Ventanilla Única (ecuapass.vue): 4.2 Documentos de Acompañamiento.
    ("GET", "/vue/", {"4.2"}, "session"),
    ("GET", "/vue/soporte/", {"4.1"}, "session"),
    ("GET", "/vue/nueva/", {"4.2"}, "session"),
    ("GET", "/api/v1/vue/tipos/", {"4.2"}, "token"),
    # Export (ecuapass.exportacion): the DAE and the manifest under 1.1, the regularización 1.3.
    ("GET", "/exportacion/dae/nueva/", {"1.1"}, "session"),
    ("GET", "/exportacion/dae/plantilla-items.xlsx", {"1.1"}, "session"),
    ("GET", "/exportacion/manifiesto/nuevo/", {"1.1"}, "session"),
    ("GET", "/exportacion/anulacion/nueva/", {"1.1"}, "session"),
    # The obligations ledger (ecuapass.obligaciones): 1.12 Obligaciones pendientes de pago.
    ("GET", "/obligaciones/", {"1.12"}, "session"),
    # 1.11 Solicitud de facilidades de pago (tipos 16 and 01).
    ("GET", "/obligaciones/facilidades/", {"1.11"}, "session"),
    ("GET", "/obligaciones/facilidades/nueva/", {"1.11"}, "session"),
    ("GET", "/obligaciones/garantias/", {"1.12"}, "session"),
    ("GET", "/obligaciones/abandono/", {"1.12"}, "session"),
    # 3.2.4 Administración de empleado: the representative only, never grantable to an employee.
    ("GET", "/empleados/", {"3.2.4"}, "session"),
    ("GET", "/empleados/1/", {"3.2.4"}, "session"),
    ("GET", "/registro/modificar/", {"3.2.3"}, "session"),
    # Cargo (ecuapass.carga): the e-doc editors under 1.1, the depósito 1.13 (tipos 04/05), 2.11.
    ("GET", "/carga/manifiesto/nuevo/", {"1.1"}, "session"),
    ("GET", "/carga/desconsolidacion/nueva/", {"1.1"}, "session"),
    ("GET", "/carga/correccion/nueva/", {"1.1"}, "session"),
    ("GET", "/carga/deposito/", {"1.13"}, "session"),
    ("GET", "/carga/consulta/", {"2.11"}, "session"),
    ("GET", "/carga/consulta/?tab=despacho&numero=x", {"2.11"}, "session"),
    ("POST", "/api/v1/carga/llegadas/", {"1.3"}, "token"),
    ("POST", "/api/v1/carga/deposito/ingresos/", {"1.13"}, "token"),
    ("POST", "/api/v1/carga/deposito/novedades/", {"1.13"}, "token"),
    ("POST", "/api/v1/carga/deposito/salidas/", {"1.13"}, "token"),
    ("GET", "/api/v1/carga/novedades/", {"2.11"}, "token"),
    # destructive ones last
    ("POST", "/edocs/tokens/{tok}/revocar/", {"1.1", "1.3"}, "session"),
    ("POST", "/edocs/borrador/{draft}/eliminar/", {"1.1"}, "session"),
]

# Private URLs any signed-in user may open whatever their grants (why).
UNGATED = {
    "/": "pantalla principal",
    "/backoffice/": "back office: staff only, second factor verified (accounts.admin_site)",
    "/buzon/": "buzón (header link): personal mailbox + the active OCE's",
    "/buzon/1/": "one notice of the buzón, scope-checked",
    "/buzon/1/adjuntos/1/": "a notice's attachment, scope-checked",
    "/api/v1/buzon/": "buzón API, scoped to the token's code",
    "/api/v1/buzon/1/": "buzón API, scoped to the token's code",
    "/cambiar-oce/": "Cambiar OCE",
    "/ingresar/codigo-oce/": "login step 3",
    "/ingresar/tipo-oce/": "login step 2",
    "/menu/abc/": "a menu group page (lists only the granted entries)",
    "/mi-menu/1/mover/": "Mi menú",
    "/mi-menu/1/quitar/": "Mi menú",
    "/mi-menu/estrella/": "Mi menú",
    "/sesion/mantener/": "session keep-alive",
    # Not bound to operators' grants: the second factor (login step and the user's own setting).
    "/interno/verificar/": "login: the second factor step",
    "/seguridad/segundo-factor/": "the user's own TOTP setting",
    "/registro/codigos-recuperacion/": "the user's own recovery codes of the second factor",
    "/registro/actualizacion-anual/": "the representative's own annual confirmation",
    "/mi-pagina/": "3.11.1 Mi página (access oce); each block shows only with its own option",
}

# Grant-bound URLs whose objects the scene above does not build; their grant is tested where noted.
GATED_ELSEWHERE = {
    **{
        url: "a VUE request's or permit's page (4.2); ecuapass/vue/tests/test_portal.py"
        for url in (
            "/vue/borrador/1/",
            "/vue/solicitud/1/subsanar/",
            "/vue/solicitud/1/adjuntos/1/",
            "/vue/documento/abc/pdf/",
            "/api/v1/vue/solicitudes/abc/subsanacion/",
            "/api/v1/vue/documentos/abc/",
        )
    },
    **{
        url: "the depósito temporal's export screens (1.14, tipos de OCE 04/05 only);"
        " ecuapass/exportacion/tests/test_portal.py"
        for url in (
            "/exportacion/deposito/",
            "/exportacion/deposito/dae/1/",
            "/api/v1/exportacion/deposito/dae/",
            "/api/v1/exportacion/dae/abc/ingreso/",
            "/api/v1/exportacion/dae/abc/salida/",
        )
    },
    **{
        url: "an obligation's page and orden de pago, a nota de crédito (1.12), a released"
        " DAI's autorización de salida (1.3); ecuapass/obligaciones/tests/test_portal.py,"
        " test_creditos.py"
        for url in (
            "/obligaciones/abc/",
            "/obligaciones/notas/abc/",
            "/obligaciones/abc/orden-de-pago.pdf",
            "/obligaciones/documento/1/autorizacion-de-salida.pdf",
            "/obligaciones/facilidades/nueva/1/",
            "/obligaciones/facilidades/plan/1/",
        )
    },
    **{
        url: "a cargo e-doc's draft (1.1), a manifest's arrival (1.3), a depósito's cargo (1.13);"
        " ecuapass/carga/tests/test_portal.py::test_carga_urls_check_their_option"
        for url in (
            "/carga/borrador/1/",
            "/carga/manifiesto/1/llegada/",
            "/carga/deposito/carga/1/",
        )
    },
    **{
        url: "a DAE's or export manifest's own page (1.1 draft / 1.3 sent; the scene's documents"
        " are DAIs); ecuapass/exportacion/tests/test_portal.py::test_grants_of_dae_pages"
        for url in (
            "/exportacion/dae/1/editar/",
            "/exportacion/manifiesto/1/editar/",
            "/exportacion/anulacion/1/editar/",
            "/exportacion/dae/1/regularizar/",
            "/exportacion/dae/1/dae.pdf",
            "/api/v1/exportacion/dae/abc/regularizacion/",
        )
    },
    "/correcciones/solicitud/1/adjuntos/1/": (
        "a request's attachment: 1.1 as a draft, 1.3 once sent (edocs.access.document_for);"
        " ecuapass/correcciones/tests/test_portal.py"
    ),
}

# The officers' side (portal interno and its API) is bound to SENAE roles, not to operators'
# grants (ecuapass.officers.access): every URL under these prefixes refuses any operator.
# Banks' screens and API (ecuapass.banca) are bound to the user's entidad financiera likewise.
OFFICER_PREFIXES = ("/interno/", "/api/v1/interno/", "/entidad/", "/banca/", "/api/v1/banca/")


def _is_officer_url(url: str) -> bool:
    return url.startswith(OFFICER_PREFIXES) and url not in UNGATED


OFFICER_URLS = sorted(u for u in ALL_URLS if _is_officer_url(u))

GRANTABLE = ["1.1", "1.3", "1.11", "1.12", "2.1.1", "2.1.2", "2.11", "3.2.3", "4.1", "4.2"]
PROFILES = [(), *[(n,) for n in GRANTABLE], "all"]


def _template_to_path(template: str) -> str:
    path = template.split("?")[0]
    path = re.sub(r"\{(sent|draft|tok|req|obs|corr|att)\}", "1", path)
    return path.replace("{numero}", "abc")


def test_every_private_url_is_classified():
    gated = {_template_to_path(t) for _m, t, _o, _h in GATED}
    private = {u for u in ALL_URLS if not _is_public(u)}
    officer = set(OFFICER_URLS)
    unclassified = private - gated - set(UNGATED) - set(GATED_ELSEWHERE) - officer
    assert not unclassified, f"classify these URLs in GATED or UNGATED: {sorted(unclassified)}"


def test_officer_urls_refuse_an_operator_holding_every_option(client, world):
    """An importer's representative (every option of its code) reaches no officer URL."""
    from ecuapass.accounts.tests.factories import login

    assert len(OFFICER_URLS) > 10
    login(client, world.importer.user, world.importer.oce)
    reached = []
    for url in OFFICER_URLS:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code in (401, 403, 404, 405):
                continue
            location = response.get("Location", "")
            if response.status_code == 302 and ("ingresar" in location or "verificar" in location):
                continue
            reached.append((method, url, response.status_code, location))
    assert not reached, reached


@pytest.fixture
def scene(world, settings, tmp_path):
    from ecuapass.core.loading import LoadReport
    from ecuapass.portal import reference_data as menu

    menu.load(LoadReport(write=lambda s: None))
    importer = world.importer
    employee = User.objects.create_user(
        importer.operator.ruc,
        "empleado-prueba",
        "Empleado.Prueba.2026",
        operator=importer.operator,
        kind=User.Kind.EMPLEADO,
        first_name="Eva",
        last_name="Mora",
    )
    grant = Grant.objects.create(user=employee, oce_code=importer.oce)
    payload = dai_payload()
    from ecuapass.edocs import registry
    from ecuapass.edocs.states import Channel

    dai_type = registry.get("DAI")
    serializer = dai_type.serializer_class()(data=payload)
    serializer.is_valid(raise_exception=True)
    sent = services.submit_payload(
        dai_type,
        serializer.validated_data,
        raw=payload,
        user=importer.user,
        oce=importer.oce,
        channel=Channel.SOFTWARE,
    ).envio.document
    draft = services.copy_as_draft(sent, oce=importer.oce, user=importer.user)
    despacho = _despacho(sent, importer, settings, tmp_path)
    return {
        "despacho": despacho,
        "employee": employee,
        "representative": importer.user,
        "grant": grant,
        "oce": importer.oce,
        "sent": sent,
        "draft": draft,
    }


def _despacho(sent, importer, settings, tmp_path) -> dict:
    """The sent DAI accepted into an aforo documental with a request (answered with a file), an
    observation and a correction: the ids the despacho's operator URLs need."""
    from ecuapass.despacho import services as despacho
    from ecuapass.despacho.models import Correction, DocumentRequest, Observation
    from ecuapass.despacho.tests import helpers

    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"
    helpers.load_catalogs()
    with despacho.canal_decided("documental"):
        services.process(sent.pk)
    case = sent.aforo_case
    user = importer.user
    req = DocumentRequest.objects.create(case=case, tipo=helpers.factura_tipo(), requested_by=user)
    att = despacho.upload_document(req, helpers.pdf(), user=user, oce=importer.oce)
    obs = Observation.objects.create(case=case, text="¿Flete?", raised_by=user)
    corr = Correction.objects.create(
        case=case,
        item_numero=1,
        field="fob",
        old_value="1",
        new_value="2",
        reason="x",
        proposed_by=user,
    )
    return {"req": req.pk, "obs": obs.pk, "corr": corr.pk, "att": att.pk}


def _grant(scene, profile):
    grant = scene["grant"]
    GrantedOption.objects.filter(grant=grant).delete()
    grant.all_options = profile == "all"
    grant.save()
    if profile != "all":
        for number in profile:
            GrantedOption.objects.create(grant=grant, entry=MenuEntry.objects.get(number=number))


def _session(client, scene):
    from ecuapass.accounts.tests.factories import login

    login(client, scene["employee"], scene["oce"])
    return client


def _call(client, method, template, how, scene, raw_token):
    url = template.format(
        sent=scene["sent"].pk,
        draft=scene["draft"].pk,
        numero=scene["sent"].numero_entrega,
        tok=scene["token"].pk,
        **scene["despacho"],
    )
    extra = {"HTTP_AUTHORIZATION": f"Token {raw_token}"} if how == "token" else {}
    if method == "GET":
        return client.get(url, **extra)
    if url.startswith("/api/"):
        body = dai_payload(invoice=f"F-{len(url)}-{how}")
        return client.post(url, json.dumps(body), content_type="application/json", **extra)
    data = {"name": "erp", "oce_code": scene["oce"].pk} if url == "/edocs/tokens/" else {}
    return client.post(url, data, **extra)


@pytest.mark.parametrize(
    "profile", PROFILES, ids=lambda p: p if isinstance(p, str) else "+".join(p) or "none"
)
def test_each_url_answers_403_exactly_without_its_option(client, scene, profile):
    _grant(scene, profile)
    held = set(GRANTABLE) if profile == "all" else set(profile)
    # Tokens exist whatever the grants (issued before a grant was withdrawn).
    scene["token"], raw = ApiToken.issue(user=scene["employee"], oce_code=scene["oce"], name="t")
    _session(client, scene)
    wrong = []
    for method, template, options, how in GATED:
        response = _call(client, method, template, how, scene, raw)
        allowed = bool(options & held)
        if allowed and response.status_code in (403, 404):
            wrong.append((method, template, how, "denied", response.status_code))
        if not allowed and response.status_code != 403:
            wrong.append((method, template, how, "allowed", response.status_code))
    assert not wrong, wrong


def test_withdrawing_a_grant_takes_effect_at_once_for_issued_tokens(client, scene):
    _grant(scene, ("1.1", "1.3"))
    _token, raw = ApiToken.issue(user=scene["employee"], oce_code=scene["oce"], name="erp")
    auth = {"HTTP_AUTHORIZATION": f"Token {raw}"}

    def post(invoice):
        return client.post(
            "/api/v1/edocs/",
            json.dumps(dai_payload(invoice=invoice)),
            content_type="application/json",
            **auth,
        )

    assert post("F-A").status_code == 202
    _grant(scene, ("1.3",))
    r = post("F-B")
    assert r.status_code == 403 and r.json()["detail"] == "No está asignado el permiso al usuario."
    assert client.get("/api/v1/edocs/", **auth).status_code == 200
    _grant(scene, ())
    assert client.get("/api/v1/edocs/", **auth).status_code == 403
    assert EDocument.objects.filter(envio__isnull=False).count() == 2


def test_token_form_offers_only_codes_with_an_api_option(client, scene):
    from ecuapass.api.token_views import token_codes

    _grant(scene, ("2.1.1",))
    assert list(token_codes(scene["employee"])) == []
    _grant(scene, ("1.3",))
    assert list(token_codes(scene["employee"])) == [scene["oce"]]
    # A representative holds every option of each of its codes.
    assert scene["oce"] in token_codes(scene["representative"])


def test_demo_employee_cannot_transmit_through_the_api(client, scene):
    """The probe's case: 1.3 + 2.1.1 only → token allowed, transmitting refused."""
    _grant(scene, ("1.3", "2.1.1"))
    _session(client, scene)
    r = client.post("/edocs/tokens/", {"name": "erp", "oce_code": scene["oce"].pk})
    assert r.status_code == 200
    raw = re.search(r"ecp_[0-9a-f]{8}_[\w-]+", r.content.decode()).group(0)
    before = EDocument.objects.count()
    r = client.post(
        "/api/v1/edocs/",
        json.dumps(dai_payload(invoice="F-EMP")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {raw}",
    )
    assert r.status_code == 403
    assert EDocument.objects.count() == before
