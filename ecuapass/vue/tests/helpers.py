"""Helpers of the VUE tests: a valid request payload, filing it through the API, paying its tasa."""

from __future__ import annotations

import base64

from ecuapass.edocs import services as edocs
from ecuapass.edocs.models import EDocument
from ecuapass.obligaciones import services as ledger

PDF = base64.b64encode(
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
).decode()
APPLES = {
    "subpartida": "0808.10.00.00",
    "descripcion": "Manzanas",
    "cantidad": "1000",
    "unidad": "KG",
}


def payload(**overrides):
    data = {
        "tipo_documento": "VUE",
        "tipo": "AGRO-PFI",
        "datos": {
            "pais_origen": "Chile",
            "puerto_ingreso": "Guayaquil",
            "fecha_embarque": "2026-12-20",
            "uso": "Consumo",
        },
        "productos": [dict(APPLES)],
        "adjuntos": [
            {
                "etiqueta": "Certificado fitosanitario del país de origen",
                "nombre": "c.pdf",
                "contenido": PDF,
            }
        ],
    }
    data.update(overrides)
    return data


def file(client, token, data=None) -> EDocument:
    r = client.post("/api/v1/edocs/", data or payload(), content_type="application/json", **token)
    assert r.status_code == 202, r.content
    edoc = EDocument.objects.get(numero_entrega=r.json()["numero_entrega"])
    edocs.process(edoc.pk)
    edoc.refresh_from_db()
    return edoc


def pay(edoc):
    obligation = ledger.for_source(edoc.content)
    ledger.pay(
        obligation,
        amount=ledger.amount_due(obligation).total,
        collector="BANCO-PRUEBA",
        reference=f"R{edoc.pk}",
    )
    edoc.refresh_from_db()
