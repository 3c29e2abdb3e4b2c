"""A DAI payload (the API's JSON shape) built from its parts: demo data and tests share it."""

from __future__ import annotations


def dai_payload_for(
    declarante: dict, importador: dict, code: str, invoice: str, items: list, **over
):
    """A DAI filed by ``code`` for ``importador``: sea freight from Shanghai, FOB, USD."""
    payload = {
        "tipo_documento": "DAI",
        "distrito": "028",
        "regimen": "10",
        "tipo_despacho": "normal",
        "declarante": {**declarante, "codigo_oce": code},
        "importador": importador,
        "documento_transporte": {"mrn": "CEC2026MSCU0001", "msn": "0001", "hsn": "0000"},
        "pais_origen": "CN",
        "pais_procedencia": "CN",
        "pais_embarque": "CN",
        "puerto_embarque": "CNSHA",
        "fecha_embarque": "2025-12-01",
        "fecha_llegada": "2025-12-20",
        "incoterm": "FOB",
        "moneda": "USD",
        "tipo_cambio": "1",
        "forma_pago": "contado",
        "factura": {"numero": invoice, "fecha": "2025-11-20"},
        "items": items,
    }
    payload.update(over)
    return payload
