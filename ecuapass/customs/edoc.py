"""The DAI as an e-doc type of the engine's registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import Capability
from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import PROCESS, Lifecycle, Notice, Transition
from ecuapass.edocs.states import CanalAforo

from .rules import DAI_RULES
from .xml_mapping import DAI_XML

# SENAE roles (registered as lifecycle actors by ecuapass.officers).
TECNICO = "tecnico_aforador"
SUPERVISOR = "supervisor"
ADMINISTRADOR = "administrador"


class DaiState:
    """The DAI's states after acceptance (the payments issue adds its own)."""

    CANAL_ASIGNADO = "canal_asignado"
    EN_AFORO = "en_aforo"
    AFORO_CERRADO = "aforo_cerrado"
    LIQUIDACION_COMPLEMENTARIA = "liquidacion_complementaria"
    SALIDA_AUTORIZADA = "salida_autorizada"
    ACEPTADO = "aceptado"
    ANULADO = "anulado"


def has_canal(edoc) -> bool:
    return bool(edoc.canal_aforo)


def is_automatico(edoc) -> bool:
    return edoc.canal_aforo == CanalAforo.AUTOMATICO


def needs_officer(edoc) -> bool:
    return has_canal(edoc) and not is_automatico(edoc)


def close_despacho(edoc) -> None:
    """An anulada declaration leaves the bandeja: its open aforo (if any) is closed."""
    from ecuapass.despacho.services import close_for_anulacion
    from ecuapass.obligaciones.dai import after_anulacion

    close_for_anulacion(edoc)
    after_anulacion(edoc)  # its open obligations are annulled


def after_cierre(edoc) -> None:
    """The cierre's charges enter the obligations ledger; the levante follows if all is paid."""
    from ecuapass.obligaciones.dai import after_cierre as ledger_after_cierre

    ledger_after_cierre(edoc)


AFORO_CERRADO_NOTICE = Notice(
    subject=_("AFORO CERRADO - %(numero)s"),
    body=_("El aforo de la declaración %(numero)s (entrega %(entrega)s) fue cerrado. %(nota)s"),
)

S = DaiState
DAI_LIFECYCLE = Lifecycle(
    states=(
        (S.CANAL_ASIGNADO, _("Canal de aforo asignado")),
        (S.EN_AFORO, _("En aforo")),
        (S.AFORO_CERRADO, _("Aforo cerrado")),
        (S.LIQUIDACION_COMPLEMENTARIA, _("Liquidación complementaria emitida")),
        (S.SALIDA_AUTORIZADA, _("Salida autorizada")),
    ),
    transitions=(
        Transition(
            "asignar_canal",
            _("Asignar canal de aforo"),
            source=(S.ACEPTADO,),
            target=S.CANAL_ASIGNADO,
            actors=(PROCESS,),
            conditions=(has_canal,),
            notice=Notice(
                subject=_("CANAL DE AFORO ASIGNADO - %(numero)s"),
                body=_(
                    "A la declaración %(numero)s (entrega %(entrega)s) se le asignó el canal "
                    "de aforo: %(canal)s."
                ),
            ),
        ),
        Transition(
            "cerrar_aforo_automatico",
            _("Cerrar aforo automático"),
            source=(S.CANAL_ASIGNADO,),
            target=S.AFORO_CERRADO,
            actors=(PROCESS,),
            conditions=(is_automatico,),
            notice=AFORO_CERRADO_NOTICE,
            effects=(after_cierre,),
        ),
        Transition(
            "iniciar_aforo",
            _("Iniciar aforo"),
            source=(S.CANAL_ASIGNADO,),
            target=S.EN_AFORO,
            actors=(TECNICO,),
            conditions=(needs_officer,),
        ),
        Transition(
            "cerrar_aforo",
            _("Cerrar aforo"),
            source=(S.EN_AFORO,),
            target=S.AFORO_CERRADO,
            actors=(TECNICO,),
            notice=AFORO_CERRADO_NOTICE,
            effects=(after_cierre,),
        ),
        Transition(
            "emitir_liquidacion_complementaria",
            _("Cerrar aforo con liquidación complementaria"),
            source=(S.EN_AFORO,),
            target=S.LIQUIDACION_COMPLEMENTARIA,
            actors=(TECNICO,),
            notice=Notice(
                subject=_("LIQUIDACIÓN COMPLEMENTARIA - %(numero)s"),
                body=_(
                    "El aforo de la declaración %(numero)s (entrega %(entrega)s) fue cerrado "
                    "con novedad y se emitió una liquidación complementaria. %(nota)s"
                ),
            ),
            effects=(after_cierre,),
        ),
        Transition(
            "autorizar_salida",
            _("Autorizar la salida (levante)"),
            source=(S.AFORO_CERRADO, S.LIQUIDACION_COMPLEMENTARIA),
            target=S.SALIDA_AUTORIZADA,
            actors=(PROCESS,),
            notice=Notice(
                subject=_("SALIDA AUTORIZADA - %(numero)s"),
                body=_(
                    "La declaración %(numero)s (entrega %(entrega)s) tiene salida autorizada: "
                    "el aforo está cerrado y sus obligaciones cubiertas. %(nota)s"
                ),
            ),
        ),
        Transition(
            "anular",
            _("Anular la declaración"),
            source=(S.ACEPTADO, S.CANAL_ASIGNADO, S.EN_AFORO),
            target=S.ANULADO,
            actors=(SUPERVISOR, ADMINISTRADOR),
            effects=(close_despacho,),
            notice=Notice(
                subject=_("DECLARACIÓN ANULADA - %(numero)s"),
                body=_("La declaración %(numero)s (entrega %(entrega)s) fue anulada. %(nota)s"),
            ),
        ),
    ),
)


@dataclass
class DaiType(registry.DocumentType):
    # Its rules read the DAI's content, never the envío's payload (only DOC-001 does, for an
    # envío not checked on receipt): a worker's batch leaves it unread (edocs.services._prefetch).
    rules_read_payload = False

    def serializer_class(self):
        from .serializers import DaiSerializer

        return DaiSerializer

    def output_serializer_class(self):
        from .api_output import DaiOutputSerializer

        return DaiOutputSerializer

    def build_from_payload(self, edoc, data):
        from .services import build_dai

        dai = build_dai(edoc, data)
        dai._liquidated_on = timezone.localdate()  # build_dai computed it: see before_submit
        return dai

    def payload_of(self, content):
        from .services import payload_of

        return payload_of(content)

    def party_of(self, content):
        """Who sees the DAI as its owner in 1.3.

        An importer filing for itself owns it. A broker's filing belongs to the
        importer only when the broker acts for it (a valid relation); otherwise
        it stays with the broker alone.
        """
        if content is None:
            return None
        from ecuapass.accounts.models import BrokerClient, Operator

        filer = content.edoc.filer_oce.registration
        if filer.oce_type.has(Capability.TITULAR):
            return filer.operator
        importer = Operator.objects.filter(ruc=content.importador_ruc).first()
        if importer is None:
            return None
        acts_for = (
            BrokerClient.objects.in_force()
            .filter(broker_id=filer.operator_id, client=importer)
            .exists()
        )
        return importer if acts_for else None

    def reference_of(self, content):
        return content.factura_numero if content else ""

    def before_submit(self, content, *, on):
        from .services import recompute

        # An API submission's DAI was liquidated by build_dai a moment ago, on the same date:
        # computing it again (and bulk-updating its items) was a third of the request.
        if getattr(content, "_liquidated_on", None) == on:
            return
        recompute(content, on=on)

    def on_accepted(self, edoc, content):
        from .services import assign_number, freeze

        number = assign_number(content, on=timezone.localdate(edoc.sent_on))
        freeze(content)
        return number

    def context(self, content):
        from ecuapass.vue.descargo import of_declaration

        descargos = list(of_declaration(content.edoc)) if content is not None else []
        return {"dai": content, "descargos_vue": descargos}

    def distrito_of(self, content):
        return content.distrito if content is not None else ""

    def after_acceptance(self, edoc):
        """The liquidación enters the obligations ledger (ecuapass.obligaciones); then the canal
        de aforo by the motor de riesgo and the aforo (ecuapass.despacho)."""
        from ecuapass.despacho.services import despachar_aceptado
        from ecuapass.obligaciones.dai import issue_for_accepted

        issue_for_accepted(edoc)
        despachar_aceptado(edoc)

    def notice_context(self, edoc):
        canal = CanalAforo(edoc.canal_aforo).label if edoc.canal_aforo else ""
        return {"canal": canal}


DAI = registry.register(
    DaiType(
        code="DAI",
        name=_("Declaración Aduanera de Importación"),
        operation=registry.Operation.IMPORTACION,
        filers=(Capability.TITULAR, Capability.AGENTE_ADUANA),
        content_model="customs.Dai",
        editor_url="customs:editar",
        create_url="customs:nueva",
        detail_template="customs/dai_detail.html",
        rules=DAI_RULES,
        lifecycle=DAI_LIFECYCLE,
        features=frozenset({"liquidacion", "aforo"}),
        xml_mapping=DAI_XML,
        batch_prefetch=("items", "liquidacion"),
    )
)
