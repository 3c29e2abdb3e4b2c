"""The DAE and the export manifest (MEX) as e-doc types of the engine's registry.

The DAE after acceptance (ADR 0009):

    aceptado ─registrar_ingreso (depósito)→ aceptado ─asignar_canal (motor de riesgo)→
    canal_asignado ─┬ cerrar_aforo_automatico ───────────────→ salida_autorizada
                    └ iniciar_aforo (técnico) → en_aforo ─cerrar_aforo→ salida_autorizada
    salida_autorizada ─registrar_salida (depósito)→ salida_autorizada
                      ─embarcar (manifiesto aceptado)→ embarcada ─regularizar (exportador)→
    regularizada

The canal and aforo transitions keep the names the despacho fires (``asignar_canal``,
``cerrar_aforo_automatico``, ``iniciar_aforo``, ``cerrar_aforo``), so the same motor de riesgo,
bandeja and aforo serve the export; their target is the salida autorizada.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import Capability
from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import PARTY, PROCESS, Lifecycle, Notice, Transition
from ecuapass.edocs.states import CanalAforo
from ecuapass.edocs.xml import XmlMapping

from . import states as S
from .rules import DAE_RULES, MANIFIESTO_RULES


def has_canal(edoc) -> bool:
    return bool(edoc.canal_aforo)


def is_automatico(edoc) -> bool:
    return edoc.canal_aforo == CanalAforo.AUTOMATICO


def needs_officer(edoc) -> bool:
    return has_canal(edoc) and not is_automatico(edoc)


def has_ingreso(edoc) -> bool:
    from .models import IngresoExportacion

    return IngresoExportacion.objects.filter(dae__edoc=edoc).exists()


def within_term(edoc) -> bool:
    from .services import within_term as in_term

    return in_term(edoc.dae)


def notify_deposito(edoc) -> None:
    from .services import notify_deposito_salida

    notify_deposito_salida(edoc)


def close_despacho(edoc) -> None:
    from ecuapass.despacho.services import close_for_anulacion

    close_for_anulacion(edoc)


SALIDA_NOTICE = Notice(
    subject=_("SALIDA AUTORIZADA - %(numero)s"),
    body=_(
        "El aforo de la DAE %(numero)s (entrega %(entrega)s) fue cerrado: la mercancía tiene "
        "salida autorizada desde el depósito %(deposito)s. %(nota)s"
    ),
)

DAE_LIFECYCLE = Lifecycle(
    states=(
        (S.CANAL_ASIGNADO, _("Canal de aforo asignado")),
        (S.EN_AFORO, _("En aforo")),
        (S.SALIDA_AUTORIZADA, _("Salida autorizada")),
        (S.EMBARCADA, _("Embarcada")),
        (S.REGULARIZADA, _("Regularizada")),
    ),
    transitions=(
        Transition(
            "registrar_ingreso",
            _("Registrar el ingreso a zona primaria"),
            source=(S.ACEPTADO,),
            target=S.ACEPTADO,
            actors=(S.DEPOSITO,),
            conditions=(has_ingreso,),
            notice=Notice(
                subject=_("INGRESO A ZONA PRIMARIA - %(numero)s"),
                body=_(
                    "El depósito %(deposito)s registró el ingreso de la mercancía de la DAE "
                    "%(numero)s. %(nota)s"
                ),
            ),
        ),
        Transition(
            "asignar_canal",
            _("Asignar canal de aforo"),
            source=(S.ACEPTADO,),
            target=S.CANAL_ASIGNADO,
            actors=(PROCESS,),
            conditions=(has_canal, has_ingreso),
            notice=Notice(
                subject=_("CANAL DE AFORO ASIGNADO - %(numero)s"),
                body=_(
                    "A la DAE %(numero)s (entrega %(entrega)s) se le asignó el canal de aforo: "
                    "%(canal)s."
                ),
            ),
        ),
        Transition(
            "cerrar_aforo_automatico",
            _("Cerrar aforo automático"),
            source=(S.CANAL_ASIGNADO,),
            target=S.SALIDA_AUTORIZADA,
            actors=(PROCESS,),
            conditions=(is_automatico,),
            notice=SALIDA_NOTICE,
            effects=(notify_deposito,),
        ),
        Transition(
            "iniciar_aforo",
            _("Iniciar aforo"),
            source=(S.CANAL_ASIGNADO,),
            target=S.EN_AFORO,
            actors=(S.TECNICO,),
            conditions=(needs_officer,),
        ),
        Transition(
            "cerrar_aforo",
            _("Cerrar aforo y autorizar la salida"),
            source=(S.EN_AFORO,),
            target=S.SALIDA_AUTORIZADA,
            actors=(S.TECNICO,),
            notice=SALIDA_NOTICE,
            effects=(notify_deposito,),
        ),
        Transition(
            "registrar_salida",
            _("Registrar el Informe de Salida"),
            source=(S.SALIDA_AUTORIZADA,),
            target=S.SALIDA_AUTORIZADA,
            actors=(S.DEPOSITO,),
        ),
        Transition(
            "embarcar",
            _("Embarcar (manifiesto de exportación)"),
            source=(S.SALIDA_AUTORIZADA,),
            target=S.EMBARCADA,
            actors=(PROCESS,),
            notice=Notice(
                subject=_("DAE EMBARCADA - %(numero)s"),
                body=_(
                    "La mercancía de la DAE %(numero)s fue embarcada. Regularícela hasta el "
                    "%(plazo)s. %(nota)s"
                ),
            ),
        ),
        Transition(
            "regularizar",
            _("Regularizar"),
            source=(S.EMBARCADA,),
            target=S.REGULARIZADA,
            actors=(PARTY,),
            conditions=(within_term,),
            notice=Notice(
                subject=_("DAE REGULARIZADA - %(numero)s"),
                body=_("La DAE %(numero)s fue regularizada. %(nota)s"),
            ),
        ),
        Transition(
            "anular",
            _("Anular la declaración"),
            source=(S.ACEPTADO, S.CANAL_ASIGNADO, S.EN_AFORO),
            target=S.ANULADO,
            actors=(S.SUPERVISOR, S.ADMINISTRADOR),
            effects=(close_despacho,),
            notice=Notice(
                subject=_("DECLARACIÓN ANULADA - %(numero)s"),
                body=_("La DAE %(numero)s (entrega %(entrega)s) fue anulada. %(nota)s"),
            ),
        ),
    ),
)

DAE_XML = XmlMapping(
    header=(
        ("TypeCode", "tipo_documento"),
        ("CustomsOfficeCode", "distrito"),
        ("ProcedureCode", "regimen"),
        ("Declarant/ID", "declarante.ruc"),
        ("Declarant/Name", "declarante.nombre"),
        ("Declarant/OceCode", "declarante.codigo_oce"),
        ("Exporter/ID", "exportador.ruc"),
        ("Exporter/Name", "exportador.nombre"),
        ("DestinationCountryCode", "pais_destino"),
        ("LoadingLocation", "puerto_embarque"),
        ("BorderTransportMeans/ModeCode", "via_transporte"),
        ("GoodsLocation/WarehouseOceCode", "deposito"),
        ("EstimatedLoadingDate", "fecha_embarque_estimada"),
        ("Invoice/ID", "factura.numero"),
        ("Invoice/IssueDate", "factura.fecha"),
        ("TradeTerms/ConditionCode", "incoterm"),
        ("CurrencyExchange/CurrencyTypeCode", "moneda"),
        ("CurrencyExchange/RateNumeric", "tipo_cambio"),
        ("TotalPackageQuantity", "bultos"),
        ("Totals/FOBValueAmount", "totales.fob"),
        ("Totals/NetNetWeightMeasure", "totales.peso_neto"),
        ("Totals/GrossMassMeasure", "totales.peso_bruto"),
        ("Totals/TotalGoodsItemQuantity", "totales.numero_items"),
    ),
    item_element="GovernmentAgencyGoodsItem",
    item=(
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
        ("AdditionalDocument/TypeCode", "documento_control_tipo"),
        ("AdditionalDocument/ID", "documento_control_numero"),
    ),
)


def _party_for(filer, ruc: str):
    """The exporter owns the DAE: itself when it files, its broker's filing when a relation is
    in force (otherwise it stays with the broker alone, like the DAI)."""
    from ecuapass.accounts.models import BrokerClient, Operator

    if filer.oce_type.has(Capability.TITULAR):
        return filer.operator
    exporter = Operator.objects.filter(ruc=ruc).first()
    if exporter is None:
        return None
    acts_for = (
        BrokerClient.objects.in_force()
        .filter(broker_id=filer.operator_id, client=exporter)
        .exists()
    )
    return exporter if acts_for else None


@dataclass
class DaeType(registry.DocumentType):
    def serializer_class(self):
        from .serializers import DaeSerializer

        return DaeSerializer

    def output_serializer_class(self):
        from .serializers import DaeOutputSerializer

        return DaeOutputSerializer

    def build_from_payload(self, edoc, data):
        from .services import build_dae

        return build_dae(edoc, data)

    def payload_of(self, content):
        from .services import payload_of

        return payload_of(content)

    def party_of(self, content):
        if content is None:
            return None
        return _party_for(content.edoc.filer_oce.registration, content.exportador_ruc)

    def reference_of(self, content):
        return content.factura_numero if content else ""

    def on_accepted(self, edoc, content):
        from .services import assign_number

        return assign_number(content, on=timezone.localdate(edoc.sent_on))

    def context(self, content):
        from ecuapass.vue.descargo import of_declaration

        descargos = list(of_declaration(content.edoc)) if content is not None else []
        return {"dae": content, "descargos_vue": descargos}

    def distrito_of(self, content):
        return content.distrito if content is not None else ""

    def after_acceptance(self, edoc):
        from .services import _notify_code

        dae = edoc.content
        _notify_code(
            dae.deposito_codigo,
            str(_("DAE POR INGRESAR - %(n)s")) % {"n": edoc.document_number},
            str(
                _(
                    "La DAE %(n)s del exportador %(e)s nombra a su depósito: registre el Informe "
                    "de Ingreso cuando llegue la mercancía (%(b)s bultos, %(p)s kg)."
                )
            )
            % {
                "n": edoc.document_number,
                "e": dae.exportador_nombre,
                "b": dae.bultos,
                "p": dae.total_peso_bruto,
            },
            edoc,
        )

    def notice_context(self, edoc):
        dae = getattr(edoc, "dae", None)
        plazo = dae.regularizar_hasta.strftime("%d/%m/%Y") if dae and dae.regularizar_hasta else ""
        return {
            "canal": CanalAforo(edoc.canal_aforo).label if edoc.canal_aforo else "",
            "deposito": dae.deposito_codigo if dae else "",
            "plazo": plazo,
        }


DAE = registry.register(
    DaeType(
        code="DAE",
        name=_("Declaración Aduanera de Exportación"),
        operation=registry.Operation.EXPORTACION,
        filers=(Capability.TITULAR, Capability.AGENTE_ADUANA),
        content_model="exportacion.Dae",
        editor_url="exportacion:editar",
        create_url="exportacion:nueva",
        detail_template="exportacion/dae_detail.html",
        rules=DAE_RULES,
        lifecycle=DAE_LIFECYCLE,
        features=frozenset({"exportacion"}),
        xml_mapping=DAE_XML,
    )
)


# --- the export manifest -------------------------------------------------------------------
MEX_XML = XmlMapping(
    header=(
        ("TypeCode", "tipo_documento"),
        ("CustomsOfficeCode", "distrito"),
        ("BorderTransportMeans/ModeCode", "via_transporte"),
        ("Declarant/ID", "declarante.ruc"),
        ("Declarant/Name", "declarante.nombre"),
        ("Declarant/OceCode", "declarante.codigo_oce"),
        ("Carrier/ID", "transportista.ruc"),
        ("Carrier/Name", "transportista.nombre"),
        ("BorderTransportMeans/ID", "nave_vuelo"),
        ("BorderTransportMeans/JourneyID", "viaje"),
        ("LoadingLocation", "puerto_embarque"),
        ("DepartureDateTime", "fecha_salida"),
    ),
    item_element="TransportContractDocument",
    item=(
        ("TypeCode", "tipo"),
        ("ID", "documento"),
        ("PreviousDocument/ID", "dae"),
        ("TotalPackageQuantity", "bultos"),
        ("GrossMassMeasure", "peso_bruto"),
    ),
)


@dataclass
class ManifiestoType(registry.DocumentType):
    def serializer_class(self):
        from .serializers import ManifiestoSerializer

        return ManifiestoSerializer

    def output_serializer_class(self):
        from .serializers import ManifiestoOutputSerializer

        return ManifiestoOutputSerializer

    def build_from_payload(self, edoc, data):
        from .services import build_manifiesto

        return build_manifiesto(edoc, data)

    def payload_of(self, content):
        from .services import manifiesto_payload_of

        return manifiesto_payload_of(content)

    def reference_of(self, content):
        return content.nave_vuelo if content else ""

    def on_accepted(self, edoc, content):
        from .services import is_late, manifiesto_number

        content.tardio = is_late(content, edoc.sent_on)
        content.save(update_fields=["tardio"])
        return manifiesto_number(content, on=timezone.localdate(edoc.sent_on))

    def context(self, content):
        return {"manifiesto": content}

    def distrito_of(self, content):
        return content.distrito if content is not None else ""

    def after_acceptance(self, edoc):
        from .services import embarcar

        embarcar(edoc)


MEX = registry.register(
    ManifiestoType(
        code="MEX",
        name=_("Manifiesto de carga de exportación"),
        operation=registry.Operation.EXPORTACION,
        filers=(Capability.AGENTE_CARGA, Capability.TRANSPORTISTA),
        content_model="exportacion.ManifiestoExportacion",
        editor_url="exportacion:editar_manifiesto",
        create_url="exportacion:nuevo_manifiesto",
        detail_template="exportacion/manifiesto_detail.html",
        rules=MANIFIESTO_RULES,
        features=frozenset({"exportacion"}),
        xml_mapping=MEX_XML,
    )
)
