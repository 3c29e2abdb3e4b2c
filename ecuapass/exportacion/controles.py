"""The DAE's export control documents and the VUE certificates they name.

Where the control catalog (``ControlExportacion``, dated, by subpartida prefix) requires a document
for an item's subpartida, the item names it (``documento_control_tipo`` / ``_numero``). When that
control is issued through the Ventanilla Única (``tipo_vue``: e.g. FITO → AGRO-CFE, the
AGROCALIDAD phytosanitary export certificate), the number must be a ``vue.DocumentoEmitido`` of
that type, issued to the exporter, in force, covering the subpartida and with balance for the
quantity: ``vue.descargo`` checks it (rule DAE-307) and discharges it when the DAE is accepted,
giving it back if the DAE is annulled or a correction changes its items — the same code as the
DAI's permits (DAI-410).
"""

from __future__ import annotations

from datetime import date

from ecuapass.vue import descargo
from ecuapass.vue.models import TipoDocumento

from .models import ControlExportacion


def controls_for(subpartida: str, controls) -> list[ControlExportacion]:
    return [c for c in controls if subpartida.startswith(c.subpartida_prefix)]


def vue_types(controls) -> dict[str, TipoDocumento]:
    codes = {c.tipo_vue for c in controls if c.tipo_vue}
    if not codes:
        return {}
    return {
        t.code: t
        for t in TipoDocumento.objects.filter(code__in=codes, active=True).select_related("entidad")
    }


def needs_of(items, on: date) -> list[descargo.Need]:
    """The certificates the items name where their control is a VUE document."""
    controls = list(ControlExportacion.objects.in_force(on))
    types = vue_types(controls)
    needs = []
    for item in items:
        for control in controls_for(item.subpartida, controls):
            tipo = types.get(control.tipo_vue)
            if tipo is None or control.codigo != item.documento_control_tipo:
                continue
            numero = (item.documento_control_numero or "").strip()
            if numero:
                needs.append(
                    descargo.Need(
                        item.numero, item.subpartida, tipo, descargo.unidades_of(item), numero
                    )
                )
            break
    return needs


def descargar(edoc) -> None:
    """At the DAE's acceptance (its transaction): the certificates it names are discharged."""
    dae = edoc.content
    if dae is None or edoc.party_operator_id is None:
        return
    on = descargo.declaration_date(edoc)
    descargo.descargar(edoc, needs_of(dae.items.order_by("numero"), on), on)


def liberar(edoc) -> None:
    descargo.liberar(edoc)


def on_dae_move(document, state) -> None:
    from . import states as S

    if state == S.ACEPTADO:
        descargar(document)
    else:
        liberar(document)


def wire() -> None:
    """The DAE's acceptance discharges its certificates; its annulment gives them back."""
    from ecuapass.edocs.moves import on_move

    from . import states as S

    on_move(
        doc_type="DAE",
        states=(S.ACEPTADO, S.ANULADO),
        handler=on_dae_move,
        uid="exportacion_descargo_vue",
    )
