"""A DAI item on a restricted line needs the importer's permit (rule DAI-410): rejected with the
item, the subpartida and the document named when there is none; accepted and discharged from the
permit's balance when there is; two declarations never spend the same balance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecuapass.customs.payloads import COFFEE
from ecuapass.edocs import lifecycle
from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.vue import dai as vue_dai
from ecuapass.vue import services
from ecuapass.vue.models import Descargo, DocumentoEmitido, Saldo, Solicitud
from ecuapass.vue.tests.helpers import file, pay
from tests.support.world import dai_payload

APPLES_ITEM = dict(
    COFFEE,
    subpartida="0808.10.00.00",
    descripcion="Manzanas frescas",
    cantidad_fisica="600",
    unidad_fisica="KG",
    peso_neto="600",
    peso_bruto="620",
)


def send_dai(client, token, invoice, items) -> EDocument:
    body = dai_payload(invoice=invoice)
    body["items"] = items
    r = client.post("/api/v1/edocs/", body, content_type="application/json", **token)
    assert r.status_code == 202, r.content
    edoc = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    edocs.process(edoc.pk)
    edoc.refresh_from_db()
    return edoc


def issued_permit(client, token, cantidad="1000") -> DocumentoEmitido:
    from ecuapass.vue.tests.helpers import APPLES, payload

    edoc = file(client, token, payload(productos=[dict(APPLES, cantidad=cantidad)]))
    pay(edoc)
    lifecycle.fire(edoc, "emitir", user=Solicitud.objects.get(edoc=edoc).asignado_a.user)
    return DocumentoEmitido.objects.get(solicitud__edoc=edoc)


def test_a_restricted_item_without_permit_is_rejected_naming_it(client, vue_world, token):
    edoc = send_dai(client, token, "F-VUE-1", [dict(COFFEE), APPLES_ITEM])
    assert edoc.estado_documento == "rechazado"
    error = edoc.errors.get(code="DAI-410")
    assert error.field == "items[2].subpartida"
    assert "Ítem 2" in error.message and "0808.10.00.00" in error.message
    assert (
        "Permiso fitosanitario de importación" in error.message and "AGROCALIDAD" in error.message
    )


def test_with_a_permit_the_dai_is_accepted_and_discharged(client, vue_world, token):
    permit = issued_permit(client, token)
    edoc = send_dai(client, token, "F-VUE-2", [APPLES_ITEM])
    assert edoc.estado_documento != "rechazado", list(edoc.errors.values_list("message", flat=True))
    saldo = Saldo.objects.get(documento=permit)
    assert saldo.descargado == Decimal("600") and saldo.disponible == Decimal("400")
    assert Descargo.objects.get(declaracion=edoc).item == 1
    # The second one asks for more than is left: rejected by the rule, nothing discharged.
    second = send_dai(client, token, "F-VUE-3", [APPLES_ITEM])
    assert second.estado_documento == "rechazado" and second.errors.filter(code="DAI-410").exists()
    saldo.refresh_from_db()
    assert saldo.descargado == Decimal("600")
    # Annulled, the first gives its quantity back.
    vue_dai.liberar_dai(edoc)
    saldo.refresh_from_db()
    assert (
        saldo.descargado == Decimal("0") and not Descargo.objects.filter(declaracion=edoc).exists()
    )


def test_the_race_loser_cannot_overdraw(client, vue_world, token):
    """Both pass the rule; the acceptance of the second finds the balance spent and fails."""
    permit = issued_permit(client, token, cantidad="700")
    first = send_dai(client, token, "F-VUE-4", [APPLES_ITEM])
    assert first.estado_documento != "rechazado"
    body = dai_payload(invoice="F-VUE-5")
    body["items"] = [APPLES_ITEM]
    r = client.post("/api/v1/edocs/", body, content_type="application/json", **token)
    second = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    with pytest.raises(services.VueError):
        vue_dai.descargar_dai(second)
    assert Saldo.objects.get(documento=permit).descargado == Decimal("600")


def test_another_importers_permit_does_not_count(client, vue_world, token):
    permit = issued_permit(client, token)
    permit.titular = vue_world.other.operator
    permit.save()
    edoc = send_dai(client, token, "F-VUE-6", [APPLES_ITEM])
    assert edoc.estado_documento == "rechazado"


def test_the_item_names_the_permit_it_draws_on(client, vue_world, token, oce_client):
    """Two valid permits: unnamed, the one expiring first is discharged; named, the named one."""
    from datetime import timedelta

    early = issued_permit(client, token)
    late = issued_permit(client, token)
    late.valido_hasta = early.valido_hasta + timedelta(days=30)
    late.save()
    edoc = send_dai(client, token, "F-VUE-7", [APPLES_ITEM])
    assert edoc.estado_documento != "rechazado"
    assert Descargo.objects.get(declaracion=edoc).saldo.documento == early
    named = dict(APPLES_ITEM, documento_control_numero=late.numero.lower())  # case-insensitive
    edoc = send_dai(client, token, "F-VUE-8", [named])
    assert edoc.estado_documento != "rechazado", list(edoc.errors.values_list("message", flat=True))
    assert Descargo.objects.get(declaracion=edoc).saldo.documento == late
    assert edoc.content.items.get().documento_control_numero == late.numero
    assert Saldo.objects.get(documento=early).descargado == Decimal("600")
    assert Saldo.objects.get(documento=late).descargado == Decimal("600")
    # What was sent keeps the number: a copy to correct it names the same permit.
    item = edoc.envio.payload["items"][0]
    assert item["documento_control_numero"] == late.numero.lower()
    # The declaration's page and its PDF name the permit each item drew on.
    page = oce_client(vue_world.importer).get(edoc.get_absolute_url()).content.decode()
    assert 'id="descargos-vue"' in page and late.numero in page and early.numero not in page


@pytest.mark.parametrize(
    "case, expected",
    [
        ("unknown", "no existe en la Ventanilla Única"),
        ("other_holder", "no es del titular"),
        ("expired", "no está vigente"),
        ("spent", "ya fue descargado"),
        ("annulled", "fue anulado"),
        ("other_type", "no es un Permiso fitosanitario de importación de AGROCALIDAD"),
    ],
)
def test_a_named_permit_that_cannot_cover_the_item_is_refused_saying_why(
    client, vue_world, token, case, expected
):
    from datetime import timedelta

    from django.utils import timezone

    permit = issued_permit(client, token)
    issued_permit(client, token)  # another valid one: the system must not fall back to it
    numero = permit.numero
    if case == "unknown":
        numero = "AGROCALIDAD-PFI-1999-999999"
    elif case == "other_holder":
        DocumentoEmitido.objects.filter(pk=permit.pk).update(titular=vue_world.other.operator)
    elif case == "expired":
        yesterday = timezone.localdate() - timedelta(days=1)
        DocumentoEmitido.objects.filter(pk=permit.pk).update(
            valido_desde=yesterday - timedelta(days=90), valido_hasta=yesterday
        )
    elif case == "spent":
        Saldo.objects.filter(documento=permit).update(descargado=Decimal("500"))
    elif case == "annulled":
        DocumentoEmitido.objects.filter(pk=permit.pk).update(estado=DocumentoEmitido.Estado.ANULADO)
    elif case == "other_type":
        from ecuapass.vue.models import TipoDocumento

        other = TipoDocumento.objects.exclude(pk=permit.tipo_id).filter(entidad__code="ARCSA")
        DocumentoEmitido.objects.filter(pk=permit.pk).update(tipo=other.first())
    edoc = send_dai(
        client, token, f"F-VUE-N-{case}", [dict(APPLES_ITEM, documento_control_numero=numero)]
    )
    assert edoc.estado_documento == "rechazado"
    error = edoc.errors.get(code="DAI-410")
    assert error.field == "items[1].documento_control_numero"
    assert expected in error.message and numero in error.message and "Ítem 1" in error.message
    assert not Descargo.objects.filter(declaracion=edoc).exists()


def test_a_number_on_a_line_that_needs_no_permit_is_refused(client, vue_world, token):
    permit = issued_permit(client, token)
    edoc = send_dai(
        client,
        token,
        "F-VUE-9",
        [dict(COFFEE, documento_control_numero=permit.numero), APPLES_ITEM],
    )
    assert edoc.estado_documento == "rechazado"
    error = edoc.errors.get(code="DAI-410", field="items[1].documento_control_numero")
    assert "no requiere" in error.message and permit.numero in error.message
    assert not Descargo.objects.filter(declaracion=edoc).exists()


def test_the_xml_names_the_permit_as_the_items_additional_document(client, vue_world, token):
    from ecuapass.edocs.xml import payload_to_xml, xml_to_payload

    permit = issued_permit(client, token)
    body = dai_payload(invoice="F-VUE-XML")
    body["items"] = [dict(APPLES_ITEM, documento_control_numero=permit.numero)]
    xml = payload_to_xml(body)
    assert f"<ID>{permit.numero}</ID>" in xml.split("<AdditionalDocument>")[1]
    assert xml_to_payload(xml)["items"][0]["documento_control_numero"] == permit.numero
    r = client.post("/api/v1/edocs/", data=xml, content_type="application/xml", **token)
    assert r.status_code == 202, r.content
    edoc = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    edocs.process(edoc.pk)
    assert Descargo.objects.get(declaracion=edoc).saldo.documento == permit


def test_a_correction_names_another_permit_and_the_dai_is_discharged_again(
    client, vue_world, token
):
    """An approved correction re-discharges: the first permit gets its quantity back, the one now
    named (typed in lower case) is drawn on; keeping a permit it already spends counts its own
    discharge as available (1000 authorised, 600 drawn, the corrected item still 600)."""
    from ecuapass.correcciones import services as correcciones
    from ecuapass.correcciones.tests.helpers import file as file_request
    from ecuapass.correcciones.tests.helpers import put_in_state, request_payload
    from ecuapass.officers.roles import Role
    from ecuapass.officers.tests.factories import make_officer

    first = issued_permit(client, token)
    second = issued_permit(client, token)
    small = issued_permit(client, token, cantidad="500")
    edoc = send_dai(
        client, token, "F-VUE-COR", [dict(APPLES_ITEM, documento_control_numero=first.numero)]
    )
    assert edoc.estado_documento != "rechazado", list(edoc.errors.values_list("message", flat=True))
    assert Saldo.objects.get(documento=first).descargado == Decimal("600")
    put_in_state(edoc, "canal_asignado")  # before the aforo's close: correctable
    supervisor = make_officer([Role.SUPERVISOR], ["028"], username="supervisor-vue")

    def correct(numero, invoice, refused=""):
        request = file_request(
            vue_world.importer,
            request_payload(
                "DAI-COR",
                edoc,
                cabecera={"factura": {"numero": invoice}},
                items=[dict(APPLES_ITEM, documento_control_numero=numero)],
            ),
        )
        if refused:  # the request itself is rejected by the DAI's rule, nothing to approve
            assert request.estado_documento == "rechazado"
            assert refused in " ".join(request.errors.values_list("message", flat=True))
            return
        assert request.estado_documento != "rechazado", list(
            request.errors.values_list("message", flat=True)
        )
        correcciones.decide(request, approve=True, officer=supervisor, note="Conforme.")

    correct(first.numero, "F-VUE-COR-1")  # the same permit: its own 600 are available to it
    correct(small.numero, "F-VUE-COR-X", refused="no alcanza: autoriza 500")  # for 600
    assert Saldo.objects.get(documento=first).descargado == Decimal("600")
    correct(second.numero.lower(), "F-VUE-COR-2")
    assert Saldo.objects.get(documento=first).descargado == Decimal("0")
    assert Saldo.objects.get(documento=second).descargado == Decimal("600")
    assert Descargo.objects.get(declaracion=edoc).saldo.documento == second
