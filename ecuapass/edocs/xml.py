"""XML e-docs (docs/edocs-xml.md): parsed safely with defusedxml into the JSON payload shape.

Element names follow the WCO Data Model where practical; the mapping below is
the single source of truth for both directions.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only used to build XML, never to parse

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

NS = "urn:ecuapass:edoc:1"

# (XML path under the root, JSON path)
HEADER = [
    ("TypeCode", "tipo_documento"),
    ("CustomsOfficeCode", "distrito"),
    ("ProcedureCode", "regimen"),
    ("DispatchTypeCode", "tipo_despacho"),
    ("Declarant/ID", "declarante.ruc"),
    ("Declarant/Name", "declarante.nombre"),
    ("Declarant/OceCode", "declarante.codigo_oce"),
    ("Importer/ID", "importador.ruc"),
    ("Importer/Name", "importador.nombre"),
    ("TransportContractDocument/MRN", "documento_transporte.mrn"),
    ("TransportContractDocument/MSN", "documento_transporte.msn"),
    ("TransportContractDocument/HSN", "documento_transporte.hsn"),
    ("OriginCountryCode", "pais_origen"),
    ("ExportCountryCode", "pais_procedencia"),
    ("LoadingCountryCode", "pais_embarque"),
    ("LoadingLocation", "puerto_embarque"),
    ("LoadingDate", "fecha_embarque"),
    ("ArrivalDate", "fecha_llegada"),
    ("TradeTerms/ConditionCode", "incoterm"),
    ("CurrencyExchange/CurrencyTypeCode", "moneda"),
    ("CurrencyExchange/RateNumeric", "tipo_cambio"),
    ("PaymentMethodCode", "forma_pago"),
    ("Invoice/ID", "factura.numero"),
    ("Invoice/IssueDate", "factura.fecha"),
    ("Totals/FOBValueAmount", "totales.fob"),
    ("Totals/FreightChargeAmount", "totales.flete"),
    ("Totals/InsuranceAmount", "totales.seguro"),
    ("Totals/CustomsValueAmount", "totales.cif"),
    ("Totals/NetNetWeightMeasure", "totales.peso_neto"),
    ("Totals/GrossMassMeasure", "totales.peso_bruto"),
    ("Totals/TotalGoodsItemQuantity", "totales.numero_items"),
]
ITEM = [
    ("TariffClassificationCode", "subpartida"),
    ("Description", "descripcion"),
    ("OriginCountryCode", "pais_origen"),
    ("Quantity", "cantidad_fisica"),
    ("Quantity/@unitCode", "unidad_fisica"),
    ("CommercialQuantity", "cantidad_comercial"),
    ("CommercialQuantity/@unitCode", "unidad_comercial"),
    ("NetNetWeightMeasure", "peso_neto"),
    ("GrossMassMeasure", "peso_bruto"),
    ("FOBValueAmount", "fob"),
    ("FreightChargeAmount", "flete"),
    ("InsuranceAmount", "seguro"),
]
ITEM_ELEMENT = "GovernmentAgencyGoodsItem"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(elem, path: str):
    """Namespace-agnostic lookup of ``A/B`` or ``A/@attr``; returns text or None."""
    parts = path.split("/")
    node = elem
    for part in parts:
        if part.startswith("@"):
            return node.get(part[1:])
        node = next((c for c in node if _local(c.tag) == part), None)
        if node is None:
            return None
    text = (node.text or "").strip()
    return text


def _set(data: dict, dotted: str, value) -> None:
    keys = dotted.split(".")
    for key in keys[:-1]:
        data = data.setdefault(key, {})
    data[keys[-1]] = value


def xml_to_payload(text: str | bytes) -> dict:
    try:
        root = SafeET.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(_("XML no permitido: no se aceptan DTD ni entidades.")) from exc
    except SafeET.ParseError as exc:
        raise ParseError(_("XML mal formado: %(e)s") % {"e": exc}) from exc
    except (LookupError, ValueError) as exc:  # unknown encoding declared in the prolog
        raise ParseError(_("XML mal formado: %(e)s") % {"e": exc}) from exc
    if _local(root.tag) != "Declaration":
        raise ParseError(_("El elemento raíz debe ser <Declaration>."))
    data: dict = {}
    for path, key in HEADER:
        value = _find(root, path)
        if value is not None:
            _set(data, key, value)
    items = []
    for node in (c for c in root if _local(c.tag) == ITEM_ELEMENT):
        item: dict = {}
        for path, key in ITEM:
            value = _find(node, path)
            if value is not None:
                item[key] = value
        items.append(item)
    data["items"] = items
    return data


def payload_to_xml(payload: dict) -> str:
    """The inverse mapping (used for downloads and for the documentation examples)."""
    root = ET.Element("Declaration", xmlns=NS)

    def get(dotted):
        node = payload
        for key in dotted.split("."):
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def put(parent, path, value):
        parts = path.split("/")
        node = parent
        for part in parts:
            if part.startswith("@"):
                node.set(part[1:], str(value))
                return
            child = next((c for c in node if c.tag == part), None)
            if child is None:
                child = ET.SubElement(node, part)
            node = child
        node.text = str(value)

    for path, key in HEADER:
        value = get(key)
        if value not in (None, ""):
            put(root, path, value)
    for item in payload.get("items", []):
        node = ET.SubElement(root, ITEM_ELEMENT)
        for path, key in ITEM:
            if item.get(key) not in (None, "") and not path.endswith("unitCode"):
                put(node, path, item[key])
        for path, key in ITEM:
            if path.endswith("unitCode") and item.get(key):
                put(node, path, item[key])
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def _utf8_text(raw: bytes) -> str:
    """The document as text; the format is UTF-8 (docs/edocs-xml.md), so the original is kept as sent."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(_("El XML debe estar codificado en UTF-8.")) from exc
    if "\x00" in text:
        raise ParseError(_("El XML debe estar codificado en UTF-8."))
    return text


class XmlEdocParser(BaseParser):
    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        text = _utf8_text(raw) if isinstance(raw, bytes) else raw
        request = (parser_context or {}).get("request")
        payload = xml_to_payload(raw)
        if request is not None:
            request._request._edoc_xml = text
        return payload


class TextXmlEdocParser(XmlEdocParser):
    media_type = "text/xml"
