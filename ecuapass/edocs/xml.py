"""XML e-docs (docs/edocs-xml.md): parsed safely with defusedxml into the JSON payload shape.

Every type's document is a ``<Declaration>`` whose ``<TypeCode>`` names the
type; the type's ``XmlMapping`` (element names after the WCO Data Model where
practical) maps it onto the type's JSON payload, in both directions.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only used to build XML, never to parse
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

NS = "urn:ecuapass:edoc:1"
ROOT = "Declaration"
TYPE_PATH = "TypeCode"


@dataclass(frozen=True)
class XmlMapping:
    """How one document type maps onto XML: (XML path under the root, JSON path) pairs.

    Declared by the type (``DocumentType.xml_mapping``), the single source of
    truth for both directions. Paths are ``A/B`` or ``A/@attr``; JSON paths are
    dotted. Items are the repeated ``item_element`` children, mapped to ``items``.
    """

    header: tuple[tuple[str, str], ...]
    item_element: str = ""
    item: tuple[tuple[str, str], ...] = ()


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


def _mapping_for(code) -> XmlMapping:
    from . import registry

    doc_type = registry.find(str(code or ""))
    if doc_type is None or doc_type.xml_mapping is None:
        raise ParseError(
            _("Tipo de documento desconocido o sin formato XML: %(c)s.") % {"c": str(code)[:20]}
        )
    return doc_type.xml_mapping


def xml_to_payload(text: str | bytes) -> dict:
    try:
        root = SafeET.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ParseError(_("XML no permitido: no se aceptan DTD ni entidades.")) from exc
    except SafeET.ParseError as exc:
        raise ParseError(_("XML mal formado: %(e)s") % {"e": exc}) from exc
    except (LookupError, ValueError) as exc:  # unknown encoding declared in the prolog
        raise ParseError(_("XML mal formado: %(e)s") % {"e": exc}) from exc
    if _local(root.tag) != ROOT:
        raise ParseError(_("El elemento raíz debe ser <Declaration>."))
    mapping = _mapping_for(_find(root, TYPE_PATH))
    data: dict = {}
    for path, key in mapping.header:
        value = _find(root, path)
        if value is not None:
            _set(data, key, value)
    if mapping.item_element:
        items = []
        for node in (c for c in root if _local(c.tag) == mapping.item_element):
            item: dict = {}
            for path, key in mapping.item:
                value = _find(node, path)
                if value is not None:
                    item[key] = value
            items.append(item)
        data["items"] = items
    return data


def payload_to_xml(payload: dict) -> str:
    """The inverse mapping (used for downloads and for the documentation examples)."""
    mapping = _mapping_for(payload.get("tipo_documento"))
    root = ET.Element(ROOT, xmlns=NS)

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

    for path, key in mapping.header:
        value = get(key)
        if value not in (None, ""):
            put(root, path, value)
    for item in payload.get("items", []) if mapping.item_element else []:
        node = ET.SubElement(root, mapping.item_element)
        for path, key in mapping.item:
            if item.get(key) not in (None, "") and "/@" not in path:
                put(node, path, item[key])
        for path, key in mapping.item:
            if "/@" in path and item.get(key):
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
