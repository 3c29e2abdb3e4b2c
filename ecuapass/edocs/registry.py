"""The registry of e-doc types. Adding a type is registering a ``DocumentType``.

A type declares what the engine needs and nothing else dispatches on its code:
its name, the tipos de OCE that may file it, its content model, its API
serializer, its validation rules, and hooks the engine calls while processing
(build the content from a payload, party, acceptance).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from .lifecycle import Lifecycle
from .xml import XmlMapping

if TYPE_CHECKING:  # pragma: no cover
    from .models import EDocument
    from .rules import Rule


class Operation:
    """Tipo de Operación (the first filter of 1.3)."""

    IMPORTACION = "importacion"
    EXPORTACION = "exportacion"
    CARGA = "carga"
    VUE = "vue"

    CHOICES = [
        (IMPORTACION, _("Importación")),
        (EXPORTACION, _("Exportación")),
        (CARGA, _("Carga")),
        (VUE, _("VUE")),
    ]


@dataclass
class DocumentType:
    """Everything the engine knows about one kind of e-doc.

    Subclass it (or instantiate it with callables) and pass it to ``register``.
    """

    code: str
    name: Any
    operation: str
    # Capabilities of the tipo de OCE that may file it (core.models.Capability), any of them.
    filers: tuple[str, ...]
    # "app_label.Model" of the content; the content has a OneToOne ``edoc`` to EDocument.
    content_model: str
    # Django URL name of the portal editor: reverse(editor_url, args=[edoc.pk]).
    editor_url: str = ""
    create_url: str = ""
    detail_template: str = ""
    rules: list[type[Rule]] = field(default_factory=list)
    # What happens after acceptance (states, transitions, actors, notices).
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    # Capabilities other contexts look up instead of the type's code.
    features: frozenset[str] = frozenset()
    # How the type's payload maps onto XML (None: JSON only).
    xml_mapping: XmlMapping | None = None
    # Relations of the content the worker reads for every document of a batch in one query
    # each (``prefetch_related`` names, e.g. the DAI's items), instead of one per document.
    batch_prefetch: tuple[str, ...] = ()

    # --- hooks a type implements -------------------------------------------
    def serializer_class(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def output_serializer_class(self):
        """The serializer of the content in the API's detail (``contenido``), or None."""
        return None

    def content_for(self, edoc: EDocument):
        from django.apps import apps

        model = apps.get_model(self.content_model)
        return model.objects.filter(edoc=edoc).first()

    def build_from_payload(self, edoc: EDocument, data: dict) -> Any:  # pragma: no cover
        """Create the content rows of ``edoc`` from validated API data."""
        raise NotImplementedError

    def payload_of(self, content) -> dict:  # pragma: no cover
        """The JSON snapshot of a portal draft, stored in the envío as sent."""
        raise NotImplementedError

    def party_of(self, content):
        """The operator for whom the document is filed (importer of a DAI)."""
        return None

    def reference_of(self, content) -> str:
        """A short human reference (e.g. the invoice) for lists and search."""
        return ""

    def before_submit(self, content, *, on) -> None:
        """Called inside the envío transaction (e.g. recompute the liquidación)."""

    def on_accepted(self, edoc: EDocument, content) -> str:
        """Called inside the processing transaction; returns the document number."""
        return ""

    def context(self, content) -> dict:
        """Extra context for the document page."""
        return {}

    def distrito_of(self, content) -> str:
        """The distrito aduanero whose officers handle the document ("" if none)."""
        return ""

    def after_acceptance(self, edoc: EDocument) -> None:
        """Called inside the processing transaction once accepted (e.g. open the despacho)."""

    def notice_context(self, edoc: EDocument) -> dict:
        """Extra ``%(name)s`` values for the lifecycle's notices."""
        return {}

    def has(self, feature: str) -> bool:
        return feature in self.features

    @property
    def title(self) -> str:
        return f"{self.code} - {self.name}"

    def may_file(self, oce_type) -> bool:
        """May a código of this tipo de OCE (a ``core.OceType``) file the type?"""
        return any(oce_type.has(capability) for capability in self.filers)


_REGISTRY: dict[str, DocumentType] = {}


def register(doc_type: DocumentType) -> DocumentType:
    if doc_type.code in _REGISTRY and _REGISTRY[doc_type.code] is not doc_type:
        raise ValueError(f"e-doc type {doc_type.code} registered twice")
    _REGISTRY[doc_type.code] = doc_type
    return doc_type


def get(code: str) -> DocumentType:
    try:
        return _REGISTRY[code]
    except KeyError as exc:
        raise LookupError(code) from exc


def find(code: str) -> DocumentType | None:
    return _REGISTRY.get(code)


def all_types() -> list[DocumentType]:
    return sorted(_REGISTRY.values(), key=lambda t: t.code)


def types_for(oce_type) -> list[DocumentType]:
    return [t for t in all_types() if t.may_file(oce_type)]


def choices() -> list[tuple[str, str]]:
    return [(t.code, t.title) for t in all_types()]


def operations_in_use() -> Iterable[tuple[str, Any]]:
    used = {t.operation for t in _REGISTRY.values()}
    return [(code, label) for code, label in Operation.CHOICES if code in used]
