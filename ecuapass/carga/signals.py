"""The DAI's cargo is discharged when the DAI is accepted and given back when it is annulled.

``edocs.moves.on_move`` runs it in the transaction of the move; the DAI's type (``customs``) and
the engine stay unaware of cargo.
"""

from __future__ import annotations

from ecuapass.edocs.moves import on_move
from ecuapass.edocs.states import DocumentState


def discharge_on_dai_moves(document, state) -> None:
    from . import services

    if state == DocumentState.ACEPTADO:
        services.descargar(document)
    else:
        services.liberar(document)


on_move(
    doc_type="DAI",
    states=(DocumentState.ACEPTADO, DocumentState.ANULADO),
    handler=discharge_on_dai_moves,
    uid="carga_descargo_dai",
)
