"""FAC — 1.11 Solicitud de facilidades de pago, as an e-doc type of the engine's registry."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecuapass.core import formatting
from ecuapass.core.models import Capability
from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import Lifecycle, Notice, Transition
from ecuapass.edocs.rules import Rule
from ecuapass.edocs.states import DocumentState

from . import facilidades as fac

SUPERVISOR = "supervisor"
ADMINISTRADOR = "administrador"


# --- input ---------------------------------------------------------------------------------------
class GarantiaSerializer(serializers.Serializer):
    garante = serializers.CharField(max_length=200)
    numero = serializers.CharField(max_length=40)
    monto = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=Decimal("0.01"))
    vigente_hasta = serializers.DateField()


class FacilidadSerializer(serializers.Serializer):
    obligaciones = serializers.ListField(
        child=serializers.CharField(max_length=30), min_length=1, max_length=50
    )
    cuota_inicial = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal("0")
    )
    dividendos = serializers.IntegerField(min_value=1, max_value=120)
    garantia = GarantiaSerializer(required=False, allow_null=True)


class FacilidadOutputSerializer(serializers.Serializer):
    obligaciones = serializers.ListField(source="numeros")
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
    cuota_inicial = serializers.DecimalField(max_digits=16, decimal_places=2)
    dividendos = serializers.IntegerField()
    tasa_anual = serializers.DecimalField(max_digits=7, decimal_places=4)
    tabla = serializers.JSONField()


# --- rules ---------------------------------------------------------------------------------------
def _obligations(ctx):
    if "fac_obligations" not in ctx.cache:
        ctx.cache["fac_obligations"] = list(ctx.content.obligations.all())
    return ctx.cache["fac_obligations"]


class ObligacionesDelDeudor(Rule):
    code = "FAC-001"
    field = "obligaciones"
    message = _("La obligación {n} no existe, no es suya o no está pendiente de pago.")

    def check(self, ctx):
        found = {o.numero: o for o in _obligations(ctx)}
        for numero in ctx.content.numeros:
            o = found.get(numero)
            if o is None or o.debtor_ruc != ctx.content.debtor_ruc or not o.is_open:
                yield self.error(n=numero)


class SinOtraSolicitud(Rule):
    code = "FAC-002"
    field = "obligaciones"
    message = _("La obligación {n} ya está en otra solicitud de facilidades de pago en trámite.")

    def check(self, ctx):
        from .models import SolicitudFacilidad

        for o in _obligations(ctx):
            busy = (
                SolicitudFacilidad.objects.filter(obligations=o)
                .exclude(edoc=ctx.edoc)
                .filter(
                    Q(edoc__estado_documento=DocumentState.ACEPTADO)
                    | Q(edoc__estado_documento="registrado")
                )
                .exists()
            )
            if busy:
                yield self.error(n=o.numero)


class CuotaInicialMinima(Rule):
    code = "FAC-003"
    field = "cuota_inicial"
    message = _(
        "La cuota inicial debe ser al menos el {pct} del total (USD {minimo}) y menor que él."
    )

    def check(self, ctx):
        c = ctx.content
        minimum = (c.total * fac.minimum_pct() / 100).quantize(Decimal("0.01"))
        if c.total and not (minimum <= c.cuota_inicial < c.total):
            yield self.error(pct=formatting.percent(fac.minimum_pct()), minimo=minimum)


class DividendosMaximos(Rule):
    code = "FAC-004"
    field = "dividendos"
    message = _("El número de dividendos mensuales va de 1 a {max}.")

    def check(self, ctx):
        if not 1 <= ctx.content.dividendos <= fac.max_dividends():
            yield self.error(max=fac.max_dividends())


class GarantiaSobreUmbral(Rule):
    code = "FAC-005"
    field = "garantia"
    message = _(
        "Sobre USD {umbral} de saldo se requiere una garantía vigente por lo menos hasta el "
        "último dividendo y por el saldo."
    )

    def check(self, ctx):
        c = ctx.content
        balance = c.total - c.cuota_inicial
        if balance <= fac.garantia_threshold():
            return
        last = fac.add_months(ctx.on, c.dividendos)
        if (
            not c.garantia_numero
            or (c.garantia_monto or 0) < balance
            or not c.garantia_hasta
            or c.garantia_hasta < last
        ):
            yield self.error(umbral=fac.garantia_threshold())


RULES = [
    ObligacionesDelDeudor,
    SinOtraSolicitud,
    CuotaInicialMinima,
    DividendosMaximos,
    GarantiaSobreUmbral,
]


# --- lifecycle -----------------------------------------------------------------------------------
def _approve(edoc) -> None:
    fac.approve(edoc)


LIFECYCLE = Lifecycle(
    states=((fac.APROBADA, _("Facilidad aprobada")), (fac.DENEGADA, _("Facilidad denegada"))),
    transitions=(
        Transition(
            "aprobar",
            _("Aprobar"),
            source=(DocumentState.ACEPTADO,),
            target=fac.APROBADA,
            actors=(SUPERVISOR, ADMINISTRADOR),
            effects=(_approve,),
            notice=Notice(
                subject=_("FACILIDAD DE PAGO APROBADA - %(numero)s"),
                body=_(
                    "La solicitud de facilidades de pago %(numero)s fue APROBADA: pague la cuota "
                    "inicial y cada dividendo en su fecha con su número de liquidación (1.12). "
                    "%(nota)s"
                ),
            ),
        ),
        Transition(
            "denegar",
            _("Denegar"),
            source=(DocumentState.ACEPTADO,),
            target=fac.DENEGADA,
            actors=(SUPERVISOR, ADMINISTRADOR),
            notice=Notice(
                subject=_("FACILIDAD DE PAGO DENEGADA - %(numero)s"),
                body=_(
                    "La solicitud de facilidades de pago %(numero)s fue DENEGADA. Motivo: %(nota)s"
                ),
            ),
        ),
    ),
)


@dataclass
class FacilidadType(registry.DocumentType):
    def serializer_class(self):
        return FacilidadSerializer

    def output_serializer_class(self):
        return FacilidadOutputSerializer

    def build_from_payload(self, edoc, data):
        from .models import Obligation, SolicitudFacilidad

        operator = edoc.filer_oce.registration.operator
        numeros = list(dict.fromkeys(str(n).strip() for n in data["obligaciones"]))
        found = list(
            Obligation.objects.filter(numero__in=numeros, debtor_ruc=operator.ruc).order_by("pk")
        )
        on = timezone.localdate()
        total = fac.total_of([o for o in found if o.is_open], on)
        garantia = data.get("garantia") or {}
        cuota = data["cuota_inicial"]
        n = data["dividendos"]
        rate = fac.annual_rate(on)
        tabla = (
            [r.as_dict() for r in fac.amortisation(total - cuota, n, rate, on)]
            if total > cuota and 1 <= n <= fac.max_dividends()
            else []
        )
        content = SolicitudFacilidad.objects.create(
            edoc=edoc,
            debtor_ruc=operator.ruc,
            debtor_name=operator.legal_name,
            distrito=found[0].distrito if found else "",
            numeros=numeros,
            total=total,
            cuota_inicial=cuota,
            dividendos=n,
            tasa_anual=rate,
            tabla=tabla,
            garante=garantia.get("garante", ""),
            garantia_numero=garantia.get("numero", ""),
            garantia_monto=garantia.get("monto"),
            garantia_hasta=garantia.get("vigente_hasta"),
        )
        content.obligations.set(found)
        return content

    def payload_of(self, content):
        return {
            "obligaciones": list(content.numeros),
            "cuota_inicial": str(content.cuota_inicial),
            "dividendos": content.dividendos,
        }

    def party_of(self, content):
        return content.edoc.filer_oce.registration.operator if content is not None else None

    def reference_of(self, content):
        return ", ".join(content.numeros[:3]) if content else ""

    def on_accepted(self, edoc, content):
        return fac.number(edoc, content)

    def context(self, content):
        return {"solicitud": content}

    def distrito_of(self, content):
        return content.distrito if content is not None else ""


FAC = registry.register(
    FacilidadType(
        code=fac.CODE,
        name=_("Solicitud de facilidades de pago para obligaciones pendientes"),
        operation=registry.Operation.IMPORTACION,
        filers=(Capability.TITULAR,),
        content_model="obligaciones.SolicitudFacilidad",
        editor_url="obligaciones:facilidad_nueva_desde",
        create_url="obligaciones:facilidad_nueva",
        detail_template="obligaciones/facilidad_detail.html",
        rules=RULES,
        lifecycle=LIFECYCLE,
    )
)
