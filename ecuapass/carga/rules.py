"""Validation rules of the cargo e-docs (MAN, MAN-H, MAN-COR), one class per rule."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import Capability, CustomsDistrict
from ecuapass.edocs.rules import Phase, Rule

from .models import Descargo, DocumentoTransporte, Manifiesto


def _documentos(ctx):
    content = ctx.content
    if isinstance(content, Manifiesto):
        return list(content.documentos.select_related("deposito__registration__oce_type"))
    return list(content.hijos.select_related("deposito__registration__oce_type"))


class DistritoDeLlegada(Rule):
    code = "MAN-101"
    phase = Phase.DOCUMENTO
    field = "distrito"
    message = _("El distrito aduanero {valor} no existe en el catálogo.")

    def check(self, ctx):
        distrito = ctx.content.distrito
        if not CustomsDistrict.objects.filter(code=distrito, active=True).exists():
            yield self.error(valor=distrito)


class DepositoTemporal(Rule):
    code = "MAN-102"
    phase = Phase.DOCUMENTO
    message = _("El código {codigo} no es un depósito temporal activo.")

    def check(self, ctx):
        for i, d in enumerate(_documentos(ctx), start=1):
            oce = d.deposito
            ok = (
                oce is not None
                and oce.state == oce.State.ACTIVE
                and oce.registration.oce_type.has(Capability.DEPOSITO)
            )
            if not ok:
                yield self.error(field=f"documentos[{i}].deposito", codigo=d.deposito_codigo)


class NumeroDocumentoUnico(Rule):
    code = "MAN-103"
    phase = Phase.DOCUMENTO
    message = _("El número de B/L o AWB {numero} se repite en el documento.")

    def check(self, ctx):
        seen = set()
        for i, d in enumerate(_documentos(ctx), start=1):
            if d.numero in seen:
                yield self.error(field=f"documentos[{i}].numero", numero=d.numero)
            seen.add(d.numero)


class LlegadaFutura(Rule):
    code = "MAN-104"
    field = "fecha_estimada_llegada"
    message = _(
        "El manifiesto se transmite antes de la llegada: la fecha estimada ({fecha}) ya pasó "
        "hace más de 30 días."
    )

    def check(self, ctx):
        from datetime import timedelta

        eta = ctx.content.fecha_estimada_llegada
        if eta < ctx.edoc.sent_on - timedelta(days=30):
            yield self.error(fecha=eta.strftime("%d/%m/%Y %H:%M"))


MAN_RULES = [DistritoDeLlegada, DepositoTemporal, NumeroDocumentoUnico, LlegadaFutura]


class MadreManifestada(Rule):
    code = "MANH-101"
    field = "msn"
    message = _("El manifiesto {mrn} no tiene un documento madre aceptado con el MSN {msn}.")

    def check(self, ctx):
        content = ctx.content
        if content.madre_id is None:
            yield self.error(mrn=content.mrn, msn=content.msn)


class MadreConsignadaALaConsolidadora(Rule):
    code = "MANH-102"
    field = "msn"
    message = _(
        "El documento madre {mrn}/{msn} no está consignado a la consolidadora {ruc}: sólo ella "
        "transmite sus documentos hijos."
    )

    def check(self, ctx):
        content = ctx.content
        ruc = ctx.edoc.filer_oce.registration.operator.ruc
        if content.madre_id and content.madre.consignatario_ruc != ruc:
            yield self.error(mrn=content.mrn, msn=content.msn, ruc=ruc)


class HijosDentroDeLaMadre(Rule):
    code = "MANH-103"
    field = "documentos"
    message = _(
        "Los documentos hijos suman {bultos} bultos y {peso} kg: el documento madre manifiesta "
        "{mb} bultos y {mp} kg."
    )

    def check(self, ctx):
        content = ctx.content
        master = content.madre
        if master is None:
            return
        houses = DocumentoTransporte.objects.filter(madre=master).exclude(hsn="")
        own = content.hijos.all()
        totals = [
            houses.aggregate(b=Sum("bultos"), p=Sum("peso")),
            own.aggregate(b=Sum("bultos"), p=Sum("peso")),
        ]
        bultos = sum((t["b"] or 0) for t in totals)
        peso = sum((t["p"] or 0) for t in totals)
        if bultos > master.bultos or peso > master.peso:
            yield self.error(bultos=bultos, peso=peso, mb=master.bultos, mp=master.peso)


class MadreSinDeclarar(Rule):
    code = "MANH-104"
    field = "msn"
    message = _("El documento madre {mrn}/{msn} ya fue declarado: no se puede desconsolidar.")

    def check(self, ctx):
        content = ctx.content
        if content.madre_id and Descargo.objects.filter(documento_id=content.madre_id).exists():
            yield self.error(mrn=content.mrn, msn=content.msn)


MAN_H_RULES = [
    DepositoTemporal,
    NumeroDocumentoUnico,
    MadreManifestada,
    MadreConsignadaALaConsolidadora,
    HijosDentroDeLaMadre,
    MadreSinDeclarar,
]


class DocumentoACorregir(Rule):
    code = "MANC-101"
    field = "msn"
    message = _(
        "No existe el documento {mrn}/{msn}/{hsn} transmitido por su código de OCE: sólo quien "
        "lo transmitió lo corrige."
    )

    def check(self, ctx):
        content = ctx.content
        documento = content.documento
        filer = None
        if documento is not None:
            source = (
                documento.desconsolidacion.edoc
                if documento.desconsolidacion_id
                else (documento.manifiesto.edoc)
            )
            filer = source.filer_oce_id
        if filer != ctx.edoc.filer_oce_id:
            yield self.error(mrn=content.mrn, msn=content.msn, hsn=content.hsn)


class DocumentoSinDeclarar(Rule):
    code = "MANC-102"
    field = "msn"
    message = _(
        "La carga {mrn}/{msn}/{hsn} ya fue declarada: corrija primero la declaración o anúlela."
    )

    def check(self, ctx):
        content = ctx.content
        if (
            content.documento_id
            and Descargo.objects.filter(documento_id=content.documento_id).exists()
        ):
            yield self.error(mrn=content.mrn, msn=content.msn, hsn=content.hsn)


MAN_COR_RULES = [DocumentoACorregir, DocumentoSinDeclarar]
