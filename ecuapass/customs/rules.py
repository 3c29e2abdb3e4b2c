"""Validation rules of the DAI, one class per rule (document phase: catalogs; business phase)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.models import BrokerClient, OceRegistration, Operator
from ecuapass.core.models import (
    Capability,
    Country,
    Currency,
    CustomsDistrict,
    CustomsRegime,
    Incoterm,
    OceType,
    UnitOfMeasure,
)
from ecuapass.edocs.models import EDocument
from ecuapass.edocs.rules import Phase, Rule, per_batch
from ecuapass.edocs.states import DocumentState


def same_name(a: str, b: str) -> bool:
    """Names match ignoring case, accents, punctuation and repeated spaces."""

    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKD", text or "")
        text = "".join(c for c in text if not unicodedata.combining(c))
        text = "".join(c if c.isalnum() else " " for c in text.upper())
        return " ".join(text.split())

    return norm(a) == norm(b)


def _codes(ctx, model) -> set[str]:
    """The active codes of a catalog: read once per batch."""
    key = f"codes:{model.__name__}"
    if key not in ctx.shared:
        ctx.shared[key] = set(model.objects.filter(active=True).values_list("code", flat=True))
    return ctx.shared[key]


def _items(ctx):
    """The DAI's items in order: the items of every DAI of the batch are read in one query."""
    if "items" not in ctx.cache:
        ctx.cache["items"] = _items_of(ctx, ctx.content)
    return ctx.cache["items"]


def _items_of(ctx, dai) -> list:
    """The items of a DAI of the batch (those of every DAI of the batch read in one query)."""
    from .models import DaiItem

    def load(dais):
        if all("items" in getattr(d, "_prefetched_objects_cache", {}) for d in dais):
            # The worker read them with the batch's contents (the type's ``batch_prefetch``).
            return {d.pk: sorted(d.items.all(), key=lambda i: i.numero) for d in dais}
        by_dai: dict[int, list] = {d.pk: [] for d in dais}
        for item in DaiItem.objects.filter(dai__in=list(by_dai)).order_by("dai_id", "numero"):
            by_dai[item.dai_id].append(item)
        return by_dai

    # Outside a worker's batch (e.g. a corrección's unsaved copy) the content's own items.
    items = per_batch(ctx, "dai:items", load).get(dai.pk) if ctx.batch else None
    return items if items is not None else list(dai.items.order_by("numero"))


def _importers(ctx) -> dict[str, dict]:
    """The batch's importers by RUC, in one query each: ``legal_name``, and ``titular`` when
    the operator is active with an active registration of a tipo de OCE that imports."""

    def load(dais):
        rucs = {dai.importador_ruc for dai in dais}
        found = {
            ruc: {"legal_name": name, "titular": False}
            for ruc, name in Operator.objects.filter(ruc__in=rucs).values_list("ruc", "legal_name")
        }
        for ruc in OceRegistration.objects.filter(
            operator__ruc__in=rucs,
            operator__state=Operator.State.ACTIVE,
            oce_type__in=OceType.objects.with_capability(Capability.TITULAR),
            state=OceRegistration.State.ACTIVE,
        ).values_list("operator__ruc", flat=True):
            found[ruc]["titular"] = True
        return found

    return per_batch(ctx, "dai:importers", load)


# --- document phase: every code from its catalog --------------------------------
class DistritoEnCatalogo(Rule):
    code = "DAI-101"
    phase = Phase.DOCUMENTO
    field = "distrito"
    message = _("El distrito aduanero {valor} no existe en el catálogo.")

    def check(self, ctx):
        if ctx.content.distrito not in _codes(ctx, CustomsDistrict):
            yield self.error(valor=ctx.content.distrito)


class RegimenDeImportacion(Rule):
    code = "DAI-102"
    phase = Phase.DOCUMENTO
    field = "regimen"
    message = _("El régimen {valor} no existe o no es un régimen de importación.")

    def check(self, ctx):
        if "codes:import-regimes" not in ctx.shared:
            ctx.shared["codes:import-regimes"] = set(
                CustomsRegime.objects.filter(
                    active=True, flow=CustomsRegime.Flow.IMPORT
                ).values_list("code", flat=True)
            )
        if ctx.content.regimen not in ctx.shared["codes:import-regimes"]:
            yield self.error(valor=ctx.content.regimen)


class PaisesEnCatalogo(Rule):
    code = "DAI-103"
    phase = Phase.DOCUMENTO
    message = _("El código de país {valor} no existe en el catálogo.")

    def check(self, ctx):
        countries = _codes(ctx, Country)
        dai = ctx.content
        for name in ("pais_origen", "pais_procedencia", "pais_embarque"):
            if getattr(dai, name) not in countries:
                yield self.error(field=name, valor=getattr(dai, name))
        for item in _items(ctx):
            if item.pais_origen not in countries:
                yield self.error(field=f"items[{item.numero}].pais_origen", valor=item.pais_origen)


class IncotermEnCatalogo(Rule):
    code = "DAI-104"
    phase = Phase.DOCUMENTO
    field = "incoterm"
    message = _("El Incoterm {valor} no existe en el catálogo.")

    def check(self, ctx):
        if ctx.content.incoterm not in _codes(ctx, Incoterm):
            yield self.error(valor=ctx.content.incoterm)


class MonedaEnCatalogo(Rule):
    code = "DAI-105"
    phase = Phase.DOCUMENTO
    field = "moneda"
    message = _("La moneda {valor} no existe en el catálogo.")

    def check(self, ctx):
        if ctx.content.moneda not in _codes(ctx, Currency):
            yield self.error(valor=ctx.content.moneda)


class UnidadesEnCatalogo(Rule):
    code = "DAI-106"
    phase = Phase.DOCUMENTO
    message = _("La unidad de medida {valor} no existe en el catálogo.")

    def check(self, ctx):
        units = _codes(ctx, UnitOfMeasure)
        for item in _items(ctx):
            for name in ("unidad_fisica", "unidad_comercial"):
                if getattr(item, name) not in units:
                    yield self.error(
                        field=f"items[{item.numero}].{name}", valor=getattr(item, name)
                    )


# --- business phase -------------------------------------------------------------
class ImportadorRegistrado(Rule):
    code = "DAI-201"
    field = "importador.ruc"
    message = _(
        "Número de RUC no es correcto: {ruc} no es un importador activo en el registro de operadores."
    )

    def check(self, ctx):
        dai = ctx.content
        if not _importers(ctx).get(dai.importador_ruc, {}).get("titular"):
            yield self.error(ruc=dai.importador_ruc)


class NombreImportador(Rule):
    code = "DAI-202"
    field = "importador.nombre"
    message = _(
        "Apellidos/Nombres o razón social del importador «{declarado}» no coincide con el registro: «{registro}»."
    )

    def check(self, ctx):
        dai = ctx.content
        operator = _importers(ctx).get(dai.importador_ruc)
        if operator and not same_name(dai.importador_nombre, operator["legal_name"]):
            yield self.error(declarado=dai.importador_nombre, registro=operator["legal_name"])


class DeclaranteEsElOce(Rule):
    code = "DAI-203"
    field = "declarante.ruc"
    message = _(
        "Número de RUC no es correcto: el declarante {declarado} no es el titular del código de OCE {codigo} ({ruc})."
    )

    def check(self, ctx):
        dai = ctx.content
        operator = ctx.edoc.filer_oce.registration.operator
        if dai.declarante_ruc != operator.ruc:
            yield self.error(
                declarado=dai.declarante_ruc, codigo=ctx.edoc.filer_oce.code, ruc=operator.ruc
            )


class NombreDeclarante(Rule):
    code = "DAI-204"
    field = "declarante.nombre"
    message = _(
        "Apellidos/Nombres o razón social del declarante «{declarado}» no coincide con el registro: «{registro}»."
    )

    def check(self, ctx):
        operator = ctx.edoc.filer_oce.registration.operator
        if not same_name(ctx.content.declarante_nombre, operator.legal_name):
            yield self.error(declarado=ctx.content.declarante_nombre, registro=operator.legal_name)


class AgenteDelImportador(Rule):
    code = "DAI-205"
    field = "importador.ruc"
    message = _(
        "El declarante {declarante} no está autorizado a declarar por el importador {importador}: no existe una relación agente–cliente vigente."
    )

    def check(self, ctx):
        dai = ctx.content
        filer = ctx.edoc.filer_oce.registration.operator
        if dai.importador_ruc == filer.ruc:
            return
        on = ctx.on
        ok = (
            BrokerClient.objects.in_force(on)
            .filter(broker=filer, client__ruc=dai.importador_ruc)
            .exists()
        )
        if not ok:
            yield self.error(declarante=filer.ruc, importador=dai.importador_ruc)


class SubpartidaVigente(Rule):
    code = "DAI-301"
    message = _("La subpartida {codigo} no existe o no está vigente en el arancel el {fecha}.")

    def check(self, ctx):
        from ecuapass.tariff.services.lookup import lines_in_force

        from .services import dotted_subpartida

        def load(dais):
            codes = {i.subpartida for dai in dais for i in _items_of(ctx, dai)}
            return lines_in_force([c for c in codes if c.isdigit()], ctx.on)

        items = _items(ctx)
        found = per_batch(ctx, f"dai:lines:{ctx.on.isoformat()}", load)
        for item in items:
            if item.subpartida not in found:
                yield self.error(
                    field=f"items[{item.numero}].subpartida",
                    codigo=dotted_subpartida(item.subpartida),
                    fecha=ctx.on.strftime("%d/%m/%Y"),
                )


class TotalesConsistentes(Rule):
    code = "DAI-302"
    message = _(
        "El total declarado {campo} ({declarado}) no coincide con la suma de los ítems ({calculado})."
    )

    FIELDS = {
        "fob": "total_fob",
        "flete": "total_flete",
        "seguro": "total_seguro",
        "cif": "total_cif",
        "peso_neto": "total_peso_neto",
        "peso_bruto": "total_peso_bruto",
        "numero_items": "numero_items",
    }

    def check(self, ctx):
        dai = ctx.content
        declared = dai.totales_declarados or {}
        for key, attr in self.FIELDS.items():
            if key not in declared:
                continue
            computed = Decimal(str(getattr(dai, attr)))
            if Decimal(str(declared[key])) != computed:
                yield self.error(
                    field=f"totales.{key}", campo=key, declarado=declared[key], calculado=computed
                )
        for item in _items(ctx):
            if item.peso_neto > item.peso_bruto:
                yield self.error(
                    field=f"items[{item.numero}].peso_neto",
                    message=_("El peso neto ({neto}) es mayor que el peso bruto ({bruto})."),
                    neto=item.peso_neto,
                    bruto=item.peso_bruto,
                )


class FechasCoherentes(Rule):
    code = "DAI-303"
    message = _("Las fechas no son coherentes.")

    def check(self, ctx):
        dai = ctx.content
        on = ctx.on
        if dai.fecha_embarque and dai.fecha_llegada and dai.fecha_embarque > dai.fecha_llegada:
            yield self.error(
                field="fecha_llegada",
                message=_("La fecha de llegada es anterior a la fecha de embarque."),
            )
        if dai.factura_fecha and dai.factura_fecha > on:
            yield self.error(
                field="factura.fecha",
                message=_("La fecha de la factura es posterior a la fecha de la declaración."),
            )
        if dai.factura_fecha and dai.fecha_embarque and dai.factura_fecha > dai.fecha_embarque:
            yield self.error(
                field="factura.fecha",
                message=_("La fecha de la factura es posterior a la fecha de embarque."),
            )
        if dai.fecha_embarque and dai.fecha_embarque > on:
            yield self.error(
                field="fecha_embarque",
                message=_("La fecha de embarque es posterior a la fecha de la declaración."),
            )
        if dai.tipo_despacho == "normal" and dai.fecha_llegada and dai.fecha_llegada > on:
            yield self.error(
                field="fecha_llegada",
                message=_(
                    "En un despacho normal la mercancía ya llegó: la fecha de llegada no puede ser futura (use despacho anticipado)."
                ),
            )
        if dai.tipo_despacho == "anticipado" and dai.fecha_llegada and dai.fecha_llegada < on:
            yield self.error(
                field="fecha_llegada",
                message=_(
                    "Un despacho anticipado se transmite antes de la llegada: la fecha de llegada ya pasó."
                ),
            )


# A DAI in these states declares no invoice (DAI-304).
_NOT_DECLARING = [DocumentState.BORRADOR, DocumentState.RECHAZADO, DocumentState.ANULADO]


def _invoices_alone(ctx) -> set[int]:
    """The batch's DAIs whose invoice no other DAI declares (DAI-304), from one query for the
    batch: every DAI declaring, for the same importer, an invoice of the batch (compared as the
    database compares them, UPPER, through the index on (importador_ruc, UPPER(factura_numero))).

    Only a DAI alone in its group is answered from here: two DAIs of the batch with the same
    invoice are both in it, and each is then looked up on its own (an earlier one's rejection
    or acceptance in this batch decides). Processing moves only the batch's own DAIs, so
    nothing it writes afterwards puts another DAI in a lone DAI's group."""
    from django.db.models.functions import Upper

    from .models import Dai

    def load(dais):
        pks = [d.pk for d in dais if d.factura_numero]
        if not pks:
            return set()
        invoices = Dai.objects.filter(pk__in=pks).annotate(invoice=Upper("factura_numero"))
        rows = list(
            Dai.objects.annotate(invoice=Upper("factura_numero"))
            .filter(
                importador_ruc__in={d.importador_ruc for d in dais if d.factura_numero},
                invoice__in=invoices.values("invoice"),
            )
            .values_list("pk", "importador_ruc", "invoice", "edoc_id")
        )
        # The documents' states apart, by key: joined in the same statement the planner may
        # merge the few DAIs with the whole e-doc table walked in key order (seen: 345 ms per
        # batch at 1,000,000 documents, with statistics taken before the batch's DAIs existed).
        declaring = set(
            EDocument.objects.filter(pk__in={row[3] for row in rows})
            .exclude(estado_documento__in=_NOT_DECLARING)
            .values_list("pk", flat=True)
        )
        groups: dict[tuple, list[int]] = {}
        for pk, ruc, invoice, edoc_id in rows:
            if edoc_id in declaring:
                groups.setdefault((ruc, invoice), []).append(pk)
        return {group[0] for group in groups.values() if len(group) == 1}

    return per_batch(ctx, "dai:invoices-alone", load)


class FacturaNoDuplicada(Rule):
    code = "DAI-304"
    field = "factura.numero"
    message = _(
        "La factura {numero} ya fue declarada para el importador {ruc} en la DAI con entrega {entrega}."
    )

    def check(self, ctx):
        from .models import Dai

        dai = ctx.content
        if not dai.factura_numero:
            return
        if ctx.batch and dai.pk in _invoices_alone(ctx):
            return
        other = (
            Dai.objects.filter(
                importador_ruc=dai.importador_ruc, factura_numero__iexact=dai.factura_numero
            )
            .exclude(pk=dai.pk)
            .exclude(edoc__estado_documento__in=_NOT_DECLARING)
            .select_related("edoc")
            .first()
        )
        if other:
            yield self.error(
                numero=dai.factura_numero, ruc=dai.importador_ruc, entrega=other.edoc.numero_entrega
            )


class TipoDeCambio(Rule):
    code = "DAI-305"
    field = "tipo_cambio"
    message = _("Para la moneda USD el tipo de cambio es 1.")

    def check(self, ctx):
        dai = ctx.content
        if dai.moneda == "USD" and dai.tipo_cambio != Decimal("1"):
            yield self.error()


class DocumentoDeTransporte(Rule):
    code = "DAI-306"
    field = "documento_transporte.msn"
    message = _("En un despacho normal se declara el documento de transporte (MRN y MSN).")

    def check(self, ctx):
        dai = ctx.content
        if dai.tipo_despacho == "normal":
            if not dai.mrn:
                yield self.error(field="documento_transporte.mrn")
            if not dai.msn:
                yield self.error()


class CargaManifestada(Rule):
    """The DAI's MRN + MSN + HSN name manifested cargo consigned to the importer, not declared
    before, with the manifest's weight and freight (``ecuapass.carga.checks``; applies while a
    ``carga.ControlCarga`` row is in force)."""

    code = "DAI-307"
    field = "documento_transporte.mrn"

    def check(self, ctx):
        from django.apps import apps

        if not apps.is_installed("ecuapass.carga"):
            return
        from ecuapass.carga.checks import dai_cargo_errors

        for field, message in dai_cargo_errors(ctx.content, ctx.edoc, ctx.on):
            yield self.error(field=field, message=message)


DAI_RULES = [
    DistritoEnCatalogo,
    RegimenDeImportacion,
    PaisesEnCatalogo,
    IncotermEnCatalogo,
    MonedaEnCatalogo,
    UnidadesEnCatalogo,
    ImportadorRegistrado,
    NombreImportador,
    DeclaranteEsElOce,
    NombreDeclarante,
    AgenteDelImportador,
    SubpartidaVigente,
    TotalesConsistentes,
    FechasCoherentes,
    FacturaNoDuplicada,
    TipoDeCambio,
    DocumentoDeTransporte,
    CargaManifestada,
]
