"""The VUE request (e-doc ``VUE``, operation VUE) in the engine's registry, with its lifecycle and
the agencies' actors.

After the engine's acceptance the request waits for its tasa (``aceptado``); the payment (a system
process: the bank's payment of the orden de pago, or at once when the tasa is zero) sends it to
review, assigned to a técnico of the agency; the técnico returns it for subsanación, issues the
permit or, when the type needs it, passes it to the director; técnico or director may deny it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import Capability
from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import (
    FILER,
    PARTY,
    PROCESS,
    Lifecycle,
    Notice,
    Transition,
    register_actor,
)
from ecuapass.edocs.states import DocumentState

from . import states
from .serializers import CODE

TECNICO = "vue_tecnico"
DIRECTOR = "vue_director"


def _funcionario(user, edoc, rol: str):
    from .models import Funcionario

    content = edoc.content
    if content is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Funcionario.objects.active()
        .filter(user_id=user.pk, rol=rol, entidad_id=content.tipo.entidad_id)
        .first()
    )


def _is_assigned_tecnico(user, edoc) -> bool:
    funcionario = _funcionario(user, edoc, "tecnico")
    return funcionario is not None and edoc.content.asignado_a_id == funcionario.pk


def _is_director(user, edoc) -> bool:
    return _funcionario(user, edoc, "director") is not None


register_actor(TECNICO, _("Técnico revisor de la entidad"), _is_assigned_tecnico)
register_actor(DIRECTOR, _("Director de la entidad"), _is_director)


def _last(edoc):
    return edoc.history.order_by("-at", "-pk").first()


def _may_return(edoc) -> bool:
    content = edoc.content
    return content.subsanaciones < content.tipo.max_subsanaciones


def _issued_directly(edoc) -> bool:
    return not edoc.content.tipo.requiere_director


def _needs_director(edoc) -> bool:
    return edoc.content.tipo.requiere_director


def _paid(edoc) -> None:
    from .services import on_paid

    on_paid(edoc)


def _recorder(tipo: str):
    def effect(edoc) -> None:
        from .services import record

        change = _last(edoc)
        record(tipo, edoc, user=change.by_user, note=change.note)
        if tipo == "devolucion":
            content = edoc.content
            content.observaciones = change.note
            content.save(update_fields=["observaciones"])

    return effect


def _issue(edoc) -> None:
    from .services import issue

    change = _last(edoc)
    issue(edoc, user=change.by_user, note=change.note)


EMITIDA_NOTICE = Notice(
    subject=_("DOCUMENTO EMITIDO - %(numero)s"),
    body=_(
        "%(entidad)s emitió el documento %(emitido)s para la solicitud %(numero)s (entrega "
        "%(entrega)s), válido hasta %(hasta)s. Verifíquelo con el código QR de su PDF."
    ),
)

LIFECYCLE = Lifecycle(
    states=states.LABELS,
    transitions=(
        Transition(
            "pagar_tasa",
            _("Registrar el pago de la tasa"),
            source=(DocumentState.ACEPTADO,),
            target=states.EN_REVISION,
            actors=(PROCESS,),
            effects=(_paid,),
            notice=Notice(
                subject=_("TASA PAGADA - %(numero)s"),
                body=_(
                    "Se registró el pago de la tasa de la solicitud %(numero)s (entrega "
                    "%(entrega)s): %(entidad)s la revisa hasta el %(vence)s."
                ),
            ),
        ),
        Transition(
            "devolver",
            _("Devolver para subsanación"),
            source=(states.EN_REVISION,),
            target=states.SUBSANACION,
            actors=(TECNICO,),
            conditions=(_may_return,),
            effects=(_recorder("devolucion"),),
            notice=Notice(
                subject=_("SOLICITUD DEVUELTA PARA SUBSANACIÓN - %(numero)s"),
                body=_(
                    "%(entidad)s devolvió la solicitud %(numero)s (entrega %(entrega)s) para "
                    "subsanación. Observaciones: %(nota)s"
                ),
            ),
        ),
        Transition(
            "subsanar",
            _("Presentar subsanación"),
            source=(states.SUBSANACION,),
            target=states.EN_REVISION,
            actors=(FILER, PARTY),
            effects=(_recorder("subsanacion"),),
        ),
        Transition(
            "emitir",
            _("Aprobar y emitir"),
            source=(states.EN_REVISION,),
            target=states.EMITIDA,
            actors=(TECNICO,),
            conditions=(_issued_directly,),
            effects=(_issue,),
            notice=EMITIDA_NOTICE,
        ),
        Transition(
            "aprobar",
            _("Aprobar y enviar al director"),
            source=(states.EN_REVISION,),
            target=states.POR_APROBAR,
            actors=(TECNICO,),
            conditions=(_needs_director,),
            effects=(_recorder("aprobacion"),),
        ),
        Transition(
            "autorizar",
            _("Autorizar y emitir"),
            source=(states.POR_APROBAR,),
            target=states.EMITIDA,
            actors=(DIRECTOR,),
            effects=(_issue,),
            notice=EMITIDA_NOTICE,
        ),
        Transition(
            "negar",
            _("Negar"),
            source=(states.EN_REVISION, states.POR_APROBAR),
            target=states.NEGADA,
            actors=(TECNICO, DIRECTOR),
            effects=(_recorder("negacion"),),
            notice=Notice(
                subject=_("SOLICITUD NEGADA - %(numero)s"),
                body=_(
                    "%(entidad)s negó la solicitud %(numero)s (entrega %(entrega)s). Motivo: "
                    "%(nota)s"
                ),
            ),
        ),
    ),
)


@dataclass
class VueType(registry.DocumentType):
    def serializer_class(self):
        from .serializers import SolicitudVueSerializer

        return SolicitudVueSerializer

    def output_serializer_class(self):
        from .serializers import SolicitudVueOut

        return SolicitudVueOut

    def build_from_payload(self, edoc, data):
        from .services import build

        return build(edoc, data)

    def payload_of(self, content):
        from .services import payload_of

        return payload_of(content)

    def party_of(self, content):
        return content.edoc.filer_oce.registration.operator if content is not None else None

    def reference_of(self, content):
        return content.tipo.code if content is not None else ""

    def on_accepted(self, edoc, content):
        from .services import number

        return number(edoc, content)

    def after_acceptance(self, edoc):
        from .tasas import issue_tasa

        issue_tasa(edoc)

    def context(self, content):
        from .views import detail_context

        return detail_context(content)

    def notice_context(self, edoc):
        from ecuapass.core import formatting

        content = edoc.content
        emitido = getattr(content, "emitido", None) if content is not None else None
        return {
            "entidad": content.tipo.entidad.code if content is not None else "",
            "vence": formatting.fecha(content.vence_el) if content is not None else "",
            "emitido": emitido.numero if emitido else "",
            "hasta": formatting.fecha(emitido.valido_hasta) if emitido else "",
        }


VUE = registry.register(
    VueType(
        code=CODE,
        name=_("Solicitud de documento de control previo (VUE)"),
        operation=registry.Operation.VUE,
        filers=(Capability.TITULAR,),
        content_model="vue.Solicitud",
        editor_url="vue:borrador",
        create_url="vue:nueva",
        detail_template="vue/solicitud_detail.html",
        rules=[],
        lifecycle=LIFECYCLE,
    )
)
