"""Four actors, each in its own browser: the carrier manifests a container for the consolidator,
the consolidator adds the importer's house, the vessel arrives, the depósito registers the IMDT
with a faltante, the broker's DAI naming the house is accepted and 2.11 shows its cargo timeline
and the novedad."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from . import helpers as h


def sign_in(page, url, party):
    from tests.support.world import PASSWORD

    page.goto(url + "/ingresar/")
    page.get_by_label("RUC").fill(party.operator.ruc)
    page.get_by_label("ID Usuario").fill(party.user.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar Sesión").click()
    page.locator(
        "[data-testid=active-oce], button:has-text('Continuar'), button:has-text('Ingresar')"
    ).first.wait_for()
    for step in ("Continuar", "Ingresar"):
        button = page.get_by_role("button", name=step)
        if button.count():
            page.locator("input[type=radio]").first.check()
            button.click()
    page.locator("[data-testid=active-oce]").filter(has_text=party.oce.code).wait_for()


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def fill_documento(page, i, doc):
    for name, value in doc.items():
        page.fill(f"#id_docs-{i}-{name}", str(value))


def send(page):
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Enviar", exact=True).click()
    page.locator("#numero-entrega").wait_for()
    return page.locator("#numero-entrega").inner_text().strip()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_cargo_from_manifest_to_the_dai_and_2_11(live_server, browser, artifacts_dir):
    from ecuapass.core.loading import LoadReport
    from ecuapass.edocs import services as edocs
    from ecuapass.edocs.models import EDocument
    from ecuapass.portal import reference_data as menu
    from tests.support.world import (
        BROKER_NAME,
        BROKER_RUC,
        IMPORTER_NAME,
        IMPORTER_RUC,
        dai_payload,
    )

    cw = h.build()
    menu.load(LoadReport(write=lambda s: None))
    url = live_server.url

    def actor(party):
        context = browser.new_context(locale="es-EC", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, url, party)
        return context, page

    contexts = []
    try:
        # The carrier manifests a container for the consolidator.
        ctx, carrier = actor(cw.carrier)
        contexts.append(ctx)
        carrier.goto(url + "/edocs/")
        carrier.get_by_role("link", name="Nuevo: MAN - Manifiesto de carga de importación").click()
        for name, value in {
            "transportista_codigo": "MSCU",
            "medio_nombre": "MSC ALINA",
            "medio_identificacion": "9461867",
            "viaje": "AL612R",
            "distrito": "028",
            "puerto_embarque": "CNSHA",
            "puerto_llegada": "ECGYE",
            "fecha_estimada_llegada": _local(timezone.now() + timedelta(days=3)),
        }.items():
            carrier.fill(f"#id_{name}", value)
        fill_documento(
            carrier,
            0,
            {
                "numero": "MEDUSH000001",
                "embarcador": "Shanghai Coffee Trading",
                "consignatario_ruc": h.CONSOLIDATOR_RUC,
                "consignatario_nombre": "Consolidadora Demo S.A.",
                "deposito": h.DEPOSIT_CODE,
                "bultos": 20,
                "peso": "840",
                "descripcion": "Carga consolidada",
                "flete": "2100",
                "contenedores": "MSCU1234565 ML-0001",
            },
        )
        entrega = send(carrier)
        manifest = EDocument.objects.get(numero_entrega=entrega)
        assert edocs.process(manifest.pk) == "aceptado"  # the worker
        carrier.reload()
        mrn = carrier.locator("#mrn").inner_text().strip()
        assert mrn.startswith("CEC") and mrn.endswith("MSCU0001")

        # The consolidator adds the importer's house.
        ctx, consolidator = actor(cw.consolidator)
        contexts.append(ctx)
        consolidator.goto(url + "/edocs/")
        consolidator.get_by_role(
            "link", name="Nuevo: MAN-H - Documentos hijos (desconsolidación)"
        ).click()
        consolidator.fill("#id_mrn", mrn)
        consolidator.fill("#id_msn", "0001")
        fill_documento(
            consolidator,
            0,
            {
                "numero": "HBL-0001",
                "embarcador": "Shanghai Coffee Trading",
                "consignatario_ruc": IMPORTER_RUC,
                "consignatario_nombre": IMPORTER_NAME,
                "deposito": h.DEPOSIT_CODE,
                "bultos": 20,
                "peso": "840",
                "descripcion": "Café, computadoras y calzado",
                "flete": "2100",
            },
        )
        houses = EDocument.objects.get(numero_entrega=send(consolidator))
        assert edocs.process(houses.pk) == "aceptado"
        consolidator.reload()
        assert "HBL-0001" in consolidator.locator(".documentos-transporte").inner_text()

        # The vessel arrives: the carrier registers it on the manifest's page.
        carrier.fill("#id_llegada_fecha_hora", _local(h.earlier_today(hours=2)))
        carrier.get_by_role("button", name="Registrar llegada").click()
        carrier.get_by_text("Llegada del medio de transporte registrada.").wait_for()
        assert "Medio de transporte arribado" in carrier.locator("#estado-documento").inner_text()

        # The depósito registers the IMDT with a faltante.
        ctx, deposit = actor(cw.deposit)
        contexts.append(ctx)
        deposit.goto(url + "/carga/deposito/")
        deposit.get_by_role("link", name=f"{mrn} / 0001 / 0001").click()
        form = deposit.locator("#form-ingreso")
        form.get_by_label("Bultos recibidos").fill("18")
        form.get_by_label("Peso recibido (kg)").fill("800")
        form.get_by_label("Fecha-hora del ingreso").fill(_local(h.earlier_today(minutes=30)))
        form.get_by_role("button", name="Registrar ingreso").click()
        deposit.get_by_text("Registrado.").wait_for()
        assert "Faltante" in deposit.locator("#eventos").inner_text()
        deposit.screenshot(path=str(artifacts_dir / "carga-deposito-imdt.png"), full_page=True)

        # The broker's DAI naming the house is accepted (filed through its software).
        payload = dai_payload(
            declarante={"ruc": BROKER_RUC, "nombre": BROKER_NAME},
            oce_code=cw.broker.oce.code,
            documento_transporte={"mrn": mrn, "msn": "0001", "hsn": "0001"},
            fecha_llegada=timezone.localdate().isoformat(),
        )
        dai = h.submit(cw.broker, payload)
        assert dai.estado_documento not in ("rechazado", "registrado"), h.errors(dai)

        # The broker sees the cargo's timeline and the novedad in 2.11.
        ctx, broker = actor(cw.broker)
        contexts.append(ctx)
        broker.goto(url + "/carga/consulta/?tab=despacho")
        broker.get_by_label("Número de la DAI o DAE").fill(dai.document_number)
        broker.get_by_role("button", name="Consultar").click()
        timeline = broker.locator("#timeline-carga").inner_text()
        for event in ("Manifestada", "Arribó el medio de transporte", "Declarada", "Faltante"):
            assert event in timeline, (event, timeline)
        broker.screenshot(path=str(artifacts_dir / "carga-2-11-despacho.png"), full_page=True)
        broker.get_by_role("link", name="Cargas > Consulta de Informe de Novedades").click()
        today = timezone.localdate().isoformat()
        broker.fill("#id_desde", today)
        broker.fill("#id_hasta", today)
        broker.select_option("#id_distrito", "028")
        broker.get_by_role("button", name="Consultar").click()
        table = broker.locator("#novedades").inner_text()
        assert "Faltante" in table and mrn in table
    finally:
        for ctx in contexts:
            ctx.close()
