"""The cargo e-docs in the engine's registry: MAN (manifiesto de carga de importación, filed by
the transportista), MAN-H (documentos hijos, by the consolidadora) and MAN-COR (corrección de
manifiesto, by whoever filed the document)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ecuapass.core.models import Capability
from ecuapass.edocs import registry
from ecuapass.edocs.lifecycle import FILER, Lifecycle, Notice, Transition
from ecuapass.edocs.states import DocumentState

from .rules import MAN_COR_RULES, MAN_H_RULES, MAN_RULES
from .serializers import MAN, MAN_COR, MAN_H

ARRIBADO = "arribado"

MAN_LIFECYCLE = Lifecycle(
    states=((ARRIBADO, _("Medio de transporte arribado")),),
    transitions=(
        Transition(
            "registrar_llegada",
            _("Registrar la llegada del medio de transporte"),
            source=(DocumentState.ACEPTADO,),
            target=ARRIBADO,
            actors=(FILER,),
            notice=Notice(
                subject=_("LLEGADA DEL MEDIO DE TRANSPORTE - %(numero)s"),
                body=_(
                    "Se registró la llegada del medio de transporte del manifiesto %(numero)s "
                    "(entrega %(entrega)s): %(llegada)s."
                ),
                to=(FILER,),
            ),
        ),
    ),
)


@dataclass
class CargaType(registry.DocumentType):
    def serializer_class(self):
        from .serializers import INPUT

        return INPUT[self.code]

    def output_serializer_class(self):
        from .serializers import OUTPUT

        return OUTPUT[self.code]

    def build_from_payload(self, edoc, data):
        from .services import build

        return build(edoc, data)

    def payload_of(self, content):
        from .services import payload_of

        return payload_of(content)

    def before_submit(self, content, *, on):
        from .services import resolve

        resolve(content)

    def reference_of(self, content):
        from .services import reference_of

        return reference_of(content) if content is not None else ""

    def on_accepted(self, edoc, content):
        from .services import on_accepted

        return on_accepted(edoc, content)

    def context(self, content):
        return {"carga": content}

    def distrito_of(self, content):
        from .services import distrito_of

        return distrito_of(content) if content is not None else ""

    def notice_context(self, edoc):
        content = edoc.content
        llegada = getattr(content, "fecha_llegada", None)
        return {"llegada": llegada.strftime("%d/%m/%Y %H:%M") if llegada else ""}


def _register(code, name, filers, model, rules, lifecycle=None):
    return registry.register(
        CargaType(
            code=code,
            name=name,
            operation=registry.Operation.CARGA,
            filers=filers,
            content_model=model,
            editor_url="carga:borrador",
            create_url=f"carga:nuevo_{code.lower().replace('-', '_')}",
            detail_template="carga/detalle.html",
            rules=rules,
            lifecycle=lifecycle or Lifecycle(),
        )
    )


MANIFIESTO = _register(
    MAN,
    _("Manifiesto de carga de importación"),
    (Capability.TRANSPORTISTA,),
    "carga.Manifiesto",
    MAN_RULES,
    MAN_LIFECYCLE,
)
DESCONSOLIDACION = _register(
    MAN_H,
    _("Documentos hijos (desconsolidación)"),
    (Capability.CONSOLIDADORA,),
    "carga.Desconsolidacion",
    MAN_H_RULES,
)
CORRECCION = _register(
    MAN_COR,
    _("Corrección de manifiesto de carga"),
    (Capability.TRANSPORTISTA, Capability.CONSOLIDADORA),
    "carga.CorreccionManifiesto",
    MAN_COR_RULES,
)
