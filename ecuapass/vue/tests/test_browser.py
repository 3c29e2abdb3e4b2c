"""Four actors, each in their own browser: the importer requests an AGROCALIDAD permit for apples,
the demo bank's teller collects its tasa, the técnico (with TOTP) returns it for
subsanación, the importer corrects it, the técnico issues it; anyone verifies it on the public
page; a DAI of apples is accepted and the balance drops, one asking for more is rejected."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ecuapass.customs.payloads import COFFEE

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
APPLES_ITEM = dict(
    COFFEE,
    subpartida="0808.10.00.00",
    descripcion="Manzanas frescas",
    cantidad_fisica="900",
    unidad_fisica="KG",
    peso_neto="900",
    peso_bruto="920",
)


def load_world():
    from ecuapass.accounts import demo_data as accounts_demo
    from ecuapass.banca import demo_data as banca_demo
    from ecuapass.core import reference_data as core_reference
    from ecuapass.core.loading import LoadReport
    from ecuapass.obligaciones import reference_data as ledger_reference
    from ecuapass.portal import reference_data as portal_reference
    from ecuapass.vue import demo_data as vue_demo
    from ecuapass.vue import reference_data as vue_reference
    from ecuapass.vue.tests.conftest import add_apples
    from tests.support import world as testing

    report = LoadReport(write=lambda s: None)
    for module in (core_reference, portal_reference, ledger_reference, accounts_demo, banca_demo):
        module.load(report)
    testing.load_sample_tariff()
    add_apples()
    vue_reference.load(report)
    vue_demo.load_staff(report)  # the staff only: the demo importer's permits would serve the DAI


def sign_in_importer(page, url):
    page.goto(url + "/")
    page.get_by_label("RUC").fill("0991003002001")
    page.get_by_label("ID Usuario").fill("demo")
    page.get_by_label("Contraseña").fill("Demo.Ecuapass.2026")
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.get_by_label("16 - Importador/Exportador").check()
    page.get_by_role("button", name="Continuar").click()
    page.get_by_label(re.compile(r"29000001")).check()
    page.get_by_role("button", name="Ingresar").click()
    page.locator("[data-testid=active-oce]").filter(has_text="29000001").wait_for()


def sign_in_staff(page, url, username):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ecuapass.officers.second_factor import current_code
    from ecuapass.vue.demo_data import STAFF

    password = next(row[1] for row in STAFF if row[0] == username)
    page.goto(url + "/entidad/")
    page.get_by_label("RUC").fill("1760000040001")
    page.get_by_label("ID Usuario").fill(username)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.get_by_role("heading", name="Verificación en dos pasos").wait_for()
    code = current_code(TOTPDevice.objects.get(user__username=username, confirmed=True))
    page.get_by_label("Código de verificación").fill(code)
    page.get_by_role("button", name="Verificar").click()
    page.get_by_role("heading", name="Bandeja VUE").wait_for()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_permit_requested_paid_corrected_issued_verified_and_used(
    live_server, browser, artifacts_dir, tmp_path, settings
):
    from ecuapass.accounts.models import OceCode, User
    from ecuapass.api.models import ApiToken
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.models import EDocument
    from ecuapass.obligaciones import services as ledger
    from ecuapass.vue.models import DocumentoEmitido, Saldo, Solicitud
    from tests.support.world import dai_payload

    settings.ECUAPASS_UPLOADS_DIR = tmp_path / "uploads"
    load_world()
    url = live_server.url
    certificate = tmp_path / "certificado.pdf"
    certificate.write_bytes(DEMO_PDF)

    def actor():
        context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        return context, page

    importer_ctx, importer = actor()
    bank_ctx, bank = actor()
    staff_ctx, staff = actor()
    public_ctx, public = actor()
    try:
        # The importer fills the AGROCALIDAD form in 4.2 and sends it.
        sign_in_importer(importer, url)
        importer.goto(url + "/vue/")
        importer.get_by_role("link", name="Nueva solicitud").click()
        importer.locator('[data-tipo="AGRO-PFI"]').click()
        importer.fill("#id_datos-pais_origen", "Chile")
        importer.select_option("#id_datos-puerto_ingreso", "Guayaquil")
        importer.fill("#id_datos-fecha_embarque", "2026-12-28")
        importer.select_option("#id_datos-uso", "Consumo")
        importer.fill("#id_productos-0-subpartida", "0808.10.00.00")
        importer.fill("#id_productos-0-descripcion", "Manzanas Gala")
        importer.fill("#id_productos-0-cantidad", "1000")
        importer.fill("#id_productos-0-unidad", "KG")
        importer.set_input_files("#id_adj-adjunto_0", str(certificate))
        importer.get_by_role("button", name="Enviar", exact=True).click()
        importer.locator("#numero-entrega").wait_for()
        numero_entrega = importer.locator("#numero-entrega").inner_text().strip()
        edoc = EDocument.objects.get(numero_entrega=numero_entrega)
        edocs.process(edoc.pk)  # the worker
        importer.reload()
        tasa = importer.locator("#vue-tasa").inner_text()
        obligation = ledger.for_source(Solicitud.objects.get(edoc=edoc))
        assert obligation.numero in tasa and "35,00" in tasa

        # The demo bank's teller collects the tasa by its número de liquidación.
        bank.goto(url + "/ingresar/?next=/banca/")
        bank.get_by_label("RUC").fill("1793004000001")
        bank.get_by_label("ID Usuario").fill("cajero")
        bank.get_by_label("Contraseña").fill("Banco.Demo.2026")
        bank.get_by_role("button", name="Iniciar Sesión").click()
        bank.get_by_label("Número de liquidación").fill(obligation.numero)
        bank.get_by_role("button", name="Consultar").click()
        bank.locator("#obligacion").wait_for()
        bank.get_by_role("button", name="Registrar pago").click()
        bank.get_by_text("Pago registrado").wait_for()
        # The request went to review, assigned to a técnico of AGROCALIDAD.
        solicitud = Solicitud.objects.get(edoc=edoc)
        tecnico = solicitud.asignado_a.user.username

        # The técnico returns it for subsanación.
        sign_in_staff(staff, url, tecnico)
        staff.goto(url + f"/entidad/solicitud/{solicitud.pk}/")
        staff.select_option("#id_accion", "devolver")
        staff.fill("#id_nota", "Suba el certificado fitosanitario completo.")
        staff.get_by_role("button", name="Registrar").click()
        staff.get_by_text("Actuación registrada.").wait_for()

        # The importer reads the remarks, corrects the quantity and sends the subsanación.
        importer.reload()
        importer.locator("#vue-observaciones").filter(
            has_text="certificado fitosanitario completo"
        ).wait_for()
        importer.get_by_role("link", name="Subsanar").click()
        importer.fill("#id_productos-0-cantidad", "1200")
        importer.fill("#id_nota", "Certificado completo adjunto.")
        importer.set_input_files("#id_adj-adjunto_0", str(certificate))
        importer.get_by_role("button", name="Enviar subsanación").click()
        importer.get_by_text("Subsanación enviada a la entidad.").wait_for()

        # The técnico issues it.
        staff.goto(url + f"/entidad/solicitud/{solicitud.pk}/")
        staff.select_option("#id_accion", "emitir")
        staff.fill("#id_nota", "Inspección en el punto de ingreso.")
        staff.get_by_role("button", name="Registrar").click()
        staff.locator("#vue-emitido-numero").wait_for()
        documento = DocumentoEmitido.objects.get(solicitud=solicitud)

        # The importer sees the permit and prints it; anyone verifies it through its QR's page.
        importer.reload()
        importer.locator("#vue-emitido-numero").filter(has_text=documento.numero).wait_for()
        pdf = importer.request.get(url + f"/vue/documento/{documento.numero}/pdf/")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        public.goto(url + documento.get_absolute_url())
        public.locator('#vue-situacion[data-situacion="vigente"]').wait_for()
        public.goto(url + f"/vue/verificar/{documento.numero}/falso/")
        public.locator('#vue-situacion[data-situacion="inexistente"]').wait_for()

        # The importer's software files a DAI of apples naming the permit on its item: accepted,
        # the balance drops by 900 kg and the declaration's page names the permit drawn on.
        user = User.objects.get(login_ruc="0991003002001", username="demo")
        _t, raw = ApiToken.issue(
            user=user, oce_code=OceCode.objects.get(code="29000001"), name="erp"
        )
        auth = {"Authorization": f"Token {raw}"}
        body = dai_payload(invoice="F-VUE-BROWSER-1")
        body["items"] = [dict(APPLES_ITEM, documento_control_numero=documento.numero)]
        response = importer.request.post(url + "/api/v1/edocs/", data=body, headers=auth)
        assert response.status == 202, response.text()
        dai = EDocument.objects.get(numero_entrega=response.json()["numero_entrega"])
        edocs.process(dai.pk)
        dai.refresh_from_db()
        assert dai.estado_documento != "rechazado", list(
            dai.errors.values_list("message", flat=True)
        )
        assert Saldo.objects.get(documento=documento).disponible == Decimal("300")
        importer.goto(url + dai.get_absolute_url())
        importer.locator("#descargos-vue").filter(has_text=documento.numero).wait_for()
        importer.goto(url + "/vue/")
        importer.locator("#vue-documentos").filter(has_text="300").wait_for()
        # Another DAI of 900 kg finds only 300 left: rejected with the rule's message.
        body = dai_payload(invoice="F-VUE-BROWSER-2")
        body["items"] = [APPLES_ITEM]
        response = importer.request.post(url + "/api/v1/edocs/", data=body, headers=auth)
        rejected = EDocument.objects.get(numero_entrega=response.json()["numero_entrega"])
        edocs.process(rejected.pk)
        importer.goto(url + rejected.get_absolute_url())
        importer.locator("#observaciones").filter(
            has_text="Permiso fitosanitario de importación"
        ).wait_for()
    except Exception:
        for name, page in (
            ("importer", importer),
            ("bank", bank),
            ("staff", staff),
            ("public", public),
        ):
            page.screenshot(path=str(artifacts_dir / f"vue-{name}.png"), full_page=True)
        raise
    finally:
        for context in (importer_ctx, bank_ctx, staff_ctx, public_ctx):
            context.close()
