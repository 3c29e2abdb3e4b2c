"""The VUE end to end against the database: filing (API and portal), the tasa through the ledger,
assignment, subsanación, issuing, verification, scoping, descargo."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ecuapass.api.models import ApiToken
from ecuapass.edocs import lifecycle
from ecuapass.edocs.models import EDocument
from ecuapass.obligaciones import services as ledger
from ecuapass.vue import schema, services
from ecuapass.vue.models import Actuacion, DocumentoEmitido, Saldo, Solicitud, TipoDocumento
from ecuapass.vue.tests.helpers import APPLES, PDF, file, pay, payload


def test_schema_drives_the_form_and_the_api():
    campos = [
        {"nombre": "n", "etiqueta": "Número", "tipo": "numero", "obligatorio": True},
        {"nombre": "f", "etiqueta": "Fecha", "tipo": "fecha"},
        {"nombre": "o", "etiqueta": "Opción", "tipo": "opcion", "opciones": ["A", "B"]},
    ]
    schema.check_schema(campos)
    values, errors = schema.clean(campos, {"n": "12.5", "f": "2026-01-31", "o": "B"})
    assert errors == {} and values == {"n": "12.5", "f": "2026-01-31", "o": "B"}
    _values, errors = schema.clean(campos, {"f": "31/31/2026", "o": "C"})
    assert set(errors) == {"n", "f", "o"}
    with pytest.raises(ValidationError):
        schema.check_schema([{"nombre": "x", "tipo": "color"}])


def test_the_whole_path_through_the_api(client, vue_world, token, staff_client):
    edoc = file(client, token)
    assert edoc.estado_documento == "aceptado" and edoc.document_number.startswith(
        "VUE-AGROCALIDAD-"
    )
    solicitud = edoc.content
    obligation = ledger.for_source(solicitud)
    assert solicitud.tasa_numero == obligation.numero and obligation.amount == Decimal("35.00")
    pay(edoc)
    assert edoc.estado_documento == "en_revision"
    solicitud.refresh_from_db()
    tecnico = solicitud.asignado_a
    assert tecnico.entidad.code == "AGROCALIDAD" and solicitud.vence_el > timezone.localdate()

    # The técnico returns it; the applicant corrects it through the API; the técnico issues it.
    api = staff_client(tecnico)
    r = api.post(
        f"/api/v1/interno/vue/solicitudes/{edoc.numero_entrega}/decision/",
        {"accion": "devolver", "nota": ""},
        content_type="application/json",
    )
    assert (
        r.status_code == 400 and "nota" in r.json()["errors"]
        if "errors" in r.json()
        else "nota" in str(r.json())
    )
    r = api.post(
        f"/api/v1/interno/vue/solicitudes/{edoc.numero_entrega}/decision/",
        {"accion": "devolver", "nota": "Certificado ilegible"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["estado"] == "subsanacion"
    client.logout()
    r = client.post(
        f"/api/v1/vue/solicitudes/{edoc.numero_entrega}/subsanacion/",
        payload(productos=[dict(APPLES, cantidad="1500")], adjuntos=[]),
        content_type="application/json",
        **token,
    )
    assert r.status_code == 200, r.content
    assert r.json()["estado"] == "en_revision"
    api = staff_client(tecnico)
    r = api.post(
        f"/api/v1/interno/vue/solicitudes/{edoc.numero_entrega}/decision/",
        {"accion": "emitir", "nota": "Inspección en destino"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    numero = r.json()["documento_emitido"]
    documento = DocumentoEmitido.objects.get(numero=numero)
    assert documento.titular == vue_world.importer.operator
    assert [s.autorizado for s in documento.saldos.all()] == [Decimal("1500.000")]
    assert list(Actuacion.objects.filter(solicitud=solicitud).values_list("tipo", flat=True)) == [
        "asignacion",
        "devolucion",
        "subsanacion",
        "emision",
    ]
    # The holder reads it through the API; the other importer does not.
    client.logout()
    r = client.get(f"/api/v1/vue/documentos/{numero}/", **token)
    assert r.status_code == 200 and r.json()["situacion"] == "vigente"
    _t, other = ApiToken.issue(user=vue_world.other.user, oce_code=vue_world.other.oce, name="x")
    r = client.get(f"/api/v1/vue/documentos/{numero}/", HTTP_AUTHORIZATION=f"Token {other}")
    assert r.status_code == 404


def test_bad_requests_are_refused_with_their_fields(client, vue_world, token):
    bad = payload(
        datos={"pais_origen": "Chile", "puerto_ingreso": "Lima"},
        productos=[dict(APPLES, subpartida="8471.30.00.00")],
        adjuntos=[],
    )
    r = client.post("/api/v1/edocs/", bad, content_type="application/json", **token)
    assert r.status_code == 400
    body = str(r.json())
    for expected in ("puerto_ingreso", "fecha_embarque", "uso", "no está cubierta", "Adjunte"):
        assert expected in body
    assert not Solicitud.objects.exists()


def test_assignment_is_balanced_and_reproducible(client, vue_world, token):
    edocs_ = [file(client, token) for _ in range(4)]
    for edoc in edocs_:
        pay(edoc)
    counts = {}
    for edoc in edocs_:
        username = Solicitud.objects.get(edoc=edoc).asignado_a.user.username
        counts[username] = counts.get(username, 0) + 1
    assert counts == {"agrocalidad.t1": 2, "agrocalidad.t2": 2}
    first = Solicitud.objects.get(edoc=edocs_[0])
    assert services.pick_tecnico(first) == services.pick_tecnico(first)


def test_director_signs_when_the_type_needs_it_and_scoping(client, vue_world, token, staff_client):
    whisky = TipoDocumento.objects.get(code="ARCSA-NSO")
    whisky.documento_arancel = ""
    whisky.subpartidas = ["0808"]
    whisky.save()
    edoc = file(
        client,
        token,
        payload(
            tipo="ARCSA-NSO",
            datos={"numero_notificacion": "N-1", "fabricante": "X"},
            adjuntos=[
                {"etiqueta": "Certificado de libre venta", "nombre": "c.pdf", "contenido": PDF}
            ],
        ),
    )
    pay(edoc)
    tecnico = Solicitud.objects.get(edoc=edoc).asignado_a
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.fire(edoc, "emitir", user=tecnico.user)
    # Another agency's staff cannot see it; the técnico not assigned cannot act.
    assert (
        staff_client(vue_world.staff["agrocalidad.t1"])
        .get(f"/entidad/solicitud/{edoc.content.pk}/")
        .status_code
        == 404
    )
    other_tecnico = next(
        f for k, f in vue_world.staff.items() if k.startswith("arcsa.t") and f != tecnico
    )
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.fire(edoc, "aprobar", user=other_tecnico.user)
    lifecycle.fire(edoc, "aprobar", user=tecnico.user)
    page = staff_client(vue_world.staff["arcsa.dir"]).post(
        f"/entidad/solicitud/{edoc.content.pk}/", {"accion": "autorizar", "nota": "ok"}
    )
    assert page.status_code == 302
    edoc.refresh_from_db()
    assert (
        edoc.estado_documento == "emitida"
        and DocumentoEmitido.objects.filter(solicitud=edoc.content).exists()
    )


def test_an_operator_cannot_open_the_workbench(client, vue_world, oce_client):
    page = oce_client(vue_world.importer).get("/entidad/")
    assert page.status_code == 403
    r = client.get("/api/v1/interno/vue/solicitudes/")
    assert r.status_code == 403


def test_verification_page_valid_expired_forged(client, vue_world, token):
    edoc = file(client, token)
    pay(edoc)
    lifecycle.fire(edoc, "emitir", user=Solicitud.objects.get(edoc=edoc).asignado_a.user)
    documento = DocumentoEmitido.objects.get(solicitud=edoc.content)
    url = documento.get_absolute_url()
    client.logout()
    page = client.get(url)
    assert page.status_code == 200 and 'data-situacion="vigente"' in page.content.decode()
    assert vue_world.importer.operator.legal_name in page.content.decode()
    page = client.get(f"/vue/verificar/{documento.numero}/forjado123/")
    assert page.status_code == 404 and 'data-situacion="inexistente"' in page.content.decode()
    documento.valido_hasta = timezone.localdate() - timedelta(days=1)
    documento.save()
    page = client.get(url)
    assert 'data-situacion="vencido"' in page.content.decode()


def test_descargo_never_overdraws(client, vue_world, token):
    edoc = file(client, token)
    pay(edoc)
    lifecycle.fire(edoc, "emitir", user=Solicitud.objects.get(edoc=edoc).asignado_a.user)
    documento = DocumentoEmitido.objects.get(solicitud=edoc.content)
    dai = EDocument.objects.create(
        doc_type="DAI", operation="importacion", title="x", filer_oce=vue_world.importer.oce
    )
    services.descargar(
        dai, [(1, documento.numero, "0808100000", Decimal("600"))], on=timezone.localdate()
    )
    dai2 = EDocument.objects.create(
        doc_type="DAI", operation="importacion", title="y", filer_oce=vue_world.importer.oce
    )
    with pytest.raises(services.VueError):
        services.descargar(
            dai2, [(1, documento.numero, "0808100000", Decimal("500"))], on=timezone.localdate()
        )
    saldo = Saldo.objects.get(documento=documento)
    assert saldo.descargado == Decimal("600") and saldo.disponible == Decimal("400")
    # The database refuses an overdraw even if a caller skipped the check.
    with pytest.raises(IntegrityError), transaction.atomic():
        Saldo.objects.filter(pk=saldo.pk).update(descargado=Decimal("1001"))


def test_expiry_notices_once_and_mi_pagina_block(client, vue_world, token, oce_client):
    from ecuapass.notifications.models import Notification

    edoc = file(client, token)
    pay(edoc)
    lifecycle.fire(edoc, "emitir", user=Solicitud.objects.get(edoc=edoc).asignado_a.user)
    documento = DocumentoEmitido.objects.get(solicitud__edoc=edoc)
    assert services.notify_expiring() == 0  # 90 days of validity: not yet
    documento.valido_hasta = timezone.localdate() + timedelta(days=10)
    documento.save()
    assert services.notify_expiring() == 1
    assert services.notify_expiring() == 0  # once
    notice = Notification.objects.get(subject__startswith="CERTIFICADO POR VENCER")
    assert notice.oce_code == vue_world.importer.oce and documento.numero in notice.body
    page = oce_client(vue_world.importer).get("/mi-pagina/")
    assert 'data-block="vue.por_vencer"' in page.content.decode()
    assert documento.numero in page.content.decode()


def test_subsanaciones_are_bounded_and_a_denial_is_final(client, vue_world, token):
    tipo = TipoDocumento.objects.get(code="AGRO-PFI")
    tipo.max_subsanaciones = 1
    tipo.save()
    edoc = file(client, token)
    pay(edoc)
    tecnico = Solicitud.objects.get(edoc=edoc).asignado_a.user
    lifecycle.fire(edoc, "devolver", user=tecnico, note="1")
    serializer = services_serializer(payload(adjuntos=[]), edoc)
    services.subsanar(
        edoc, serializer.validated_data, user=vue_world.importer.user, oce=vue_world.importer.oce
    )
    edoc.refresh_from_db()
    assert edoc.estado_documento == "en_revision"
    assert "devolver" not in {t.name for t in lifecycle.allowed(edoc, user=tecnico)}
    with pytest.raises(lifecycle.TransitionNotAllowed):
        lifecycle.fire(edoc, "devolver", user=tecnico, note="2")
    lifecycle.fire(edoc, "negar", user=tecnico, note="Producto de origen no autorizado")
    edoc.refresh_from_db()
    assert edoc.estado_documento == "negada"
    assert not DocumentoEmitido.objects.filter(solicitud__edoc=edoc).exists()
    assert lifecycle.allowed(edoc, user=tecnico) == []


def services_serializer(data, edoc):
    from ecuapass.vue.serializers import SolicitudVueSerializer

    serializer = SolicitudVueSerializer(
        data=data,
        existing_labels=[a.etiqueta for a in Solicitud.objects.get(edoc=edoc).adjuntos.all()],
    )
    serializer.is_valid(raise_exception=True)
    return serializer


def test_an_exhausted_permit_says_so(client, vue_world, token):
    edoc = file(client, token)
    pay(edoc)
    lifecycle.fire(edoc, "emitir", user=Solicitud.objects.get(edoc=edoc).asignado_a.user)
    documento = DocumentoEmitido.objects.get(solicitud__edoc=edoc)
    Saldo.objects.filter(documento=documento).update(descargado=F("autorizado"))
    assert documento.situacion() == "agotado"
    page = client.get(documento.get_absolute_url())
    assert 'data-situacion="agotado"' in page.content.decode()


def test_the_director_cancels_a_permit(client, vue_world, token, staff_client):
    edoc = file(client, token)
    pay(edoc)
    solicitud = Solicitud.objects.get(edoc=edoc)
    lifecycle.fire(edoc, "emitir", user=solicitud.asignado_a.user)
    documento = DocumentoEmitido.objects.get(solicitud=solicitud)
    # A técnico may not; the director must give a reason.
    tecnico = staff_client(solicitud.asignado_a)
    assert (
        tecnico.post(f"/entidad/solicitud/{solicitud.pk}/anular/", {"motivo": "x"}).status_code
        == 403
    )
    director = staff_client(vue_world.staff["agrocalidad.dir"])
    director.post(f"/entidad/solicitud/{solicitud.pk}/anular/", {"motivo": ""})
    documento.refresh_from_db()
    assert documento.estado == "vigente"
    director.post(
        f"/entidad/solicitud/{solicitud.pk}/anular/", {"motivo": "Plaga detectada en origen"}
    )
    documento.refresh_from_db()
    assert documento.estado == "anulado" and documento.situacion() == "anulado"
    client.logout()
    page = client.get(documento.get_absolute_url())
    assert 'data-situacion="anulado"' in page.content.decode()
