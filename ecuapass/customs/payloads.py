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


# Sample items on lines of the sample tariff (demo data and tests).
COFFEE = {
    "subpartida": "0901.21.10.00",
    "descripcion": "Café tostado en grano, sacos de 25 kg",
    "pais_origen": "CO",
    "cantidad_fisica": "500",
    "unidad_fisica": "KG",
    "cantidad_comercial": "20",
    "unidad_comercial": "U",
    "peso_neto": "500",
    "peso_bruto": "520",
    "fob": "10000.00",
    "flete": "1000.00",
    "seguro": "100.00",
}
LAPTOPS = {
    "subpartida": "8471.30.00.00",
    "descripcion": "Computadoras portátiles 14 pulgadas",
    "pais_origen": "CN",
    "cantidad_fisica": "50",
    "unidad_fisica": "U",
    "cantidad_comercial": "50",
    "unidad_comercial": "U",
    "peso_neto": "100",
    "peso_bruto": "120",
    "fob": "25000.00",
    "flete": "800.00",
    "seguro": "250.00",
}
SHOES = {
    "subpartida": "6403.99.90.00",
    "descripcion": "Calzado de cuero para caballero",
    "pais_origen": "BR",
    "cantidad_fisica": "200",
    "unidad_fisica": "PAR",
    "cantidad_comercial": "200",
    "unidad_comercial": "PAR",
    "peso_neto": "180",
    "peso_bruto": "200",
    "fob": "6000.00",
    "flete": "300.00",
    "seguro": "60.00",
}
