"""Validation rules of the DAE and of the export manifest, one class per rule.

The DAE reads like the DAI where the rule is the same (catalogs, declarante, broker relation,
subpartida in force, exchange rate): those are the DAI's rule classes with the DAE's codes
(the DAE exposes the party as ``importador_ruc``, the shape those rules read).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.accounts.models import OceCode, OceRegistration, Operator
from ecuapass.core.models import Capability, Country, CustomsDistrict, OceType
from ecuapass.customs import rules as dai
from ecuapass.edocs.rules import Phase, Rule

from . import conf
from . import states as S


def _items(ctx):
    if "items" not in ctx.cache:
        ctx.cache["items"] = list(ctx.content.items.order_by("numero"))
    return ctx.cache["items"]


# --- document phase ----------------------------------------------------------------------
class DistritoEnCatalogo(dai.DistritoEnCatalogo):
    code = "DAE-101"


class RegimenDeExportacion(Rule):
    code = "DAE-102"
    phase = Phase.DOCUMENTO
    field = "regimen"
    message = _("El régimen {valor} no es un régimen de exportación que se declare en una DAE.")

    def check(self, ctx):
        from ecuapass.core.models import CustomsRegime

        ok = (
            ctx.content.regimen in conf.regimenes()
            and CustomsRegime.objects.filter(
                code=ctx.content.regimen, active=True, flow=CustomsRegime.Flow.EXPORT
            ).exists()
        )
        if not ok:
            yield self.error(valor=ctx.content.regimen)


class PaisesEnCatalogo(Rule):
    code = "DAE-103"
    phase = Phase.DOCUMENTO
    message = _("El código de país {valor} no existe en el catálogo.")

    def check(self, ctx):
        countries = dai._codes(ctx, Country)
        if ctx.content.pais_destino not in countries:
            yield self.error(field="pais_destino", valor=ctx.content.pais_destino)
        for item in _items(ctx):
            if item.pais_origen not in countries:
                yield self.error(field=f"items[{item.numero}].pais_origen", valor=item.pais_origen)


class IncotermEnCatalogo(dai.IncotermEnCatalogo):
    code = "DAE-104"


class MonedaEnCatalogo(dai.MonedaEnCatalogo):
    code = "DAE-105"


class UnidadesEnCatalogo(dai.UnidadesEnCatalogo):
    code = "DAE-106"


# --- business phase ----------------------------------------------------------------------
class ExportadorRegistrado(Rule):
    code = "DAE-201"
    field = "exportador.ruc"
    message = _(
        "Número de RUC no es correcto: {ruc} no es un exportador activo en el registro de operadores."
    )

    def check(self, ctx):
        ok = OceRegistration.objects.filter(
            operator__ruc=ctx.content.exportador_ruc,
            operator__state=Operator.State.ACTIVE,
            oce_type__in=OceType.objects.with_capability(Capability.TITULAR),
            state=OceRegistration.State.ACTIVE,
        ).exists()
        if not ok:
            yield self.error(ruc=ctx.content.exportador_ruc)


class NombreExportador(Rule):
    code = "DAE-202"
    field = "exportador.nombre"
    message = _(
        "Apellidos/Nombres o razón social del exportador «{declarado}» no coincide con el registro: «{registro}»."
    )

    def check(self, ctx):
        operator = Operator.objects.filter(ruc=ctx.content.exportador_ruc).first()
        if operator and not dai.same_name(ctx.content.exportador_nombre, operator.legal_name):
            yield self.error(declarado=ctx.content.exportador_nombre, registro=operator.legal_name)


class DeclaranteEsElOce(dai.DeclaranteEsElOce):
    code = "DAE-203"


class NombreDeclarante(dai.NombreDeclarante):
    code = "DAE-204"


class AgenteDelExportador(dai.AgenteDelImportador):
    code = "DAE-205"
    field = "exportador.ruc"
    message = _(
        "El declarante {declarante} no está autorizado a declarar por el exportador {importador}: no existe una relación agente–cliente vigente."
    )


class DepositoTemporal(Rule):
    code = "DAE-206"
    field = "deposito"
    message = _(
        "El código {codigo} no es un depósito temporal o zona primaria activa en el registro de operadores."
    )

    def check(self, ctx):
        code = ctx.content.deposito_codigo
        oce = (
            OceCode.objects.select_related("registration__oce_type")
            .filter(
                code=code,
                state=OceCode.State.ACTIVE,
                registration__state=OceRegistration.State.ACTIVE,
            )
            .first()
        )
        if oce is None or not oce.registration.oce_type.has(Capability.DEPOSITO):
            yield self.error(codigo=code)


class SubpartidaVigente(dai.SubpartidaVigente):
    code = "DAE-301"


class TotalesConsistentes(Rule):
    code = "DAE-302"
    message = _(
        "El total declarado {campo} ({declarado}) no coincide con la suma de los ítems ({calculado})."
    )
    FIELDS = {
        "fob": "total_fob",
        "peso_neto": "total_peso_neto",
        "peso_bruto": "total_peso_bruto",
        "numero_items": "numero_items",
    }

    def check(self, ctx):
        dae = ctx.content
        declared = dae.totales_declarados or {}
        for key, attr in self.FIELDS.items():
            if key in declared and Decimal(str(declared[key])) != Decimal(str(getattr(dae, attr))):
                yield self.error(
                    field=f"totales.{key}",
                    campo=key,
                    declarado=declared[key],
                    calculado=getattr(dae, attr),
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
    code = "DAE-303"
    message = _("Las fechas no son coherentes.")

    def check(self, ctx):
        dae = ctx.content
        if dae.factura_fecha and dae.factura_fecha > ctx.on:
            yield self.error(
                field="factura.fecha",
                message=_("La fecha de la factura es posterior a la fecha de la declaración."),
            )
        if dae.fecha_embarque_estimada and dae.fecha_embarque_estimada < ctx.on:
            yield self.error(
                field="fecha_embarque_estimada",
                message=_(
                    "La fecha estimada de embarque ya pasó: la DAE se transmite antes del embarque."
                ),
            )


class TipoDeCambio(dai.TipoDeCambio):
    code = "DAE-305"


class DocumentosDeControl(Rule):
    """Where the catalog marks the subpartida, the item references its documento de control; when
    the Ventanilla Única issues it, the number is a certificate of the exporter that can cover the
    item (issued, in force, of the right type, for the subpartida, with balance: ``controles``)."""

    code = "DAE-307"
    message = _(
        "La subpartida {subpartida} requiere para exportar el documento de control «{documento}» "
        "({entidad}, código {codigo}): indíquelo en el ítem."
    )

    def check(self, ctx):
        from ecuapass.customs.services import dotted_subpartida
        from ecuapass.vue import descargo

        from . import controles
        from .models import ControlExportacion

        controls = list(ControlExportacion.objects.in_force(ctx.on))
        items = _items(ctx)
        for item in items:
            needed = controles.controls_for(item.subpartida, controls)
            if not needed:
                continue
            if any(
                c.codigo == item.documento_control_tipo and item.documento_control_numero
                for c in needed
            ):
                continue
            control = needed[0]
            yield self.error(
                field=f"items[{item.numero}].documento_control_tipo",
                subpartida=dotted_subpartida(item.subpartida),
                documento=control.documento,
                entidad=control.entidad,
                codigo=control.codigo,
            )
        operator_id = ctx.edoc.party_operator_id
        needs = controles.needs_of(items, ctx.on)
        if not needs:
            return
        _plan, problems = descargo.allocate(needs, operator_id, ctx.on)
        for problem in problems:
            need = problem.need
            yield self.error(
                field=f"items[{need.item}].documento_control_numero",
                message=_(
                    "Ítem {item}, documento de control (número): {detalle} La subpartida "
                    "{subpartida} requiere un {tipo} de {entidad} emitido al exportador en la "
                    "Ventanilla Única, vigente, de exportación y con saldo para la cantidad "
                    "declarada."
                ),
                item=need.item,
                detalle=problem.message[:1].upper() + problem.message[1:],
                subpartida=dotted_subpartida(need.subpartida),
                tipo=need.tipo.name,
                entidad=need.tipo.entidad.code,
            )


DAE_RULES = [
    DistritoEnCatalogo,
    RegimenDeExportacion,
    PaisesEnCatalogo,
    IncotermEnCatalogo,
    MonedaEnCatalogo,
    UnidadesEnCatalogo,
    ExportadorRegistrado,
    NombreExportador,
    DeclaranteEsElOce,
    NombreDeclarante,
    AgenteDelExportador,
    DepositoTemporal,
    SubpartidaVigente,
    TotalesConsistentes,
    FechasCoherentes,
    TipoDeCambio,
    DocumentosDeControl,
]


# --- the export manifest -------------------------------------------------------------------
class ManifiestoDistrito(Rule):
    code = "MEX-101"
    phase = Phase.DOCUMENTO
    field = "distrito"
    message = _("El distrito aduanero {valor} no existe en el catálogo.")

    def check(self, ctx):
        if ctx.content.distrito not in dai._codes(ctx, CustomsDistrict):
            yield self.error(valor=ctx.content.distrito)


class DaeManifestable(Rule):
    code = "MEX-201"
    message = _("La DAE {numero} no existe o no tiene salida autorizada: no puede manifestarse.")

    def check(self, ctx):
        for doc in ctx.content.documentos.select_related("dae__edoc").order_by("numero"):
            dae = doc.dae
            ok = dae is not None and dae.edoc.estado_documento == S.SALIDA_AUTORIZADA
            if not ok:
                yield self.error(field=f"items[{doc.numero}].dae", numero=doc.dae_numero)
            elif dae.via_transporte != ctx.content.via_transporte:
                yield self.error(
                    field=f"items[{doc.numero}].dae",
                    message=_(
                        "La DAE {numero} declara la vía {via}; el manifiesto es de vía {manifiesto}."
                    ),
                    numero=doc.dae_numero,
                    via=dae.get_via_transporte_display(),
                    manifiesto=ctx.content.get_via_transporte_display(),
                )


class ManifiestoConciliaConDae(Rule):
    """What the manifest carries for each DAE (all its documents) is what the DAE declared."""

    code = "MEX-202"
    message = _(
        "La DAE {numero}: el manifiesto lleva {bultos} bultos y {peso} kg; la DAE declara "
        "{dae_bultos} bultos y {dae_peso} kg (tolerancia de peso {tolerancia} %)."
    )

    def check(self, ctx):
        per_dae: dict[int, list] = {}
        for doc in ctx.content.documentos.select_related("dae__edoc"):
            if doc.dae is not None:
                per_dae.setdefault(doc.dae_id, []).append(doc)
        tolerance = conf.tolerancia_peso_pct()
        for docs in per_dae.values():
            dae = docs[0].dae
            bultos = sum(d.bultos for d in docs)
            peso = sum((d.peso_bruto for d in docs), Decimal("0"))
            declared = dae.total_peso_bruto or Decimal("0")
            off = declared > 0 and abs(peso - declared) * 100 / declared > tolerance
            if bultos != dae.bultos or off:
                yield self.error(
                    field=f"items[{docs[0].numero}].peso_bruto",
                    numero=docs[0].dae_numero,
                    bultos=bultos,
                    peso=peso,
                    dae_bultos=dae.bultos,
                    dae_peso=declared,
                    tolerancia=tolerance,
                )


class SalidaNoFutura(Rule):
    code = "MEX-203"
    field = "fecha_salida"
    message = _(
        "El manifiesto de exportación se transmite después de la salida: la fecha de salida es futura."
    )

    def check(self, ctx):
        if ctx.content.fecha_salida > (ctx.edoc.sent_on or timezone.now()):
            yield self.error()


class DeclaranteDelManifiesto(Rule):
    code = "MEX-204"
    field = "declarante.ruc"
    message = _("El declarante {declarado} no es el titular del código de OCE {codigo}.")

    def check(self, ctx):
        payload = ctx.edoc.envio.payload or {}
        declared = (payload.get("declarante") or {}).get("ruc", "")
        operator = ctx.edoc.filer_oce.registration.operator
        if declared != operator.ruc:
            yield self.error(declarado=declared, codigo=ctx.edoc.filer_oce.code)


MANIFIESTO_RULES = [
    ManifiestoDistrito,
    DeclaranteDelManifiesto,
    DaeManifestable,
    ManifiestoConciliaConDae,
    SalidaNoFutura,
]
