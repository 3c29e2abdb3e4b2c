"""Wiring to other contexts: the tasa's payment, Mi página's block, the second factor, the landing."""

from __future__ import annotations

from ecuapass.obligaciones.services import obligation_paid

from . import tasas

obligation_paid.connect(tasas.on_paid, dispatch_uid="vue_tasa_paid")


def _wire_staff() -> None:
    """The agencies' staff need the second factor and land on their workbench."""
    from ecuapass.officers import second_factor, views

    if "vue.Funcionario" not in second_factor.MANDATORY_PROFILES:
        second_factor.MANDATORY_PROFILES.append("vue.Funcionario")

    def is_staff(user) -> bool:
        from .access import funcionario_of

        return funcionario_of(user) is not None

    if not any(name == "entidad:bandeja" for _check, name in views.LANDINGS):
        views.LANDINGS.append((is_staff, "entidad:bandeja"))


_wire_staff()


def _register_block() -> None:
    from django.utils.translation import gettext_lazy as _

    from ecuapass.mipagina.blocks import Block, register

    from .mipagina import expiring_permits

    register(
        Block(
            key="vue.por_vencer",
            title=_("Certificados VUE por vencer"),
            rows=expiring_permits,
            link="vue:inicio",
            menu_options=("4.2",),
            order=45,
        )
    )


_register_block()


def _wire_declarations() -> None:
    """DAI items on restricted lines need a permit (rule DAI-410); its quantity is discharged at
    acceptance and given back at annulment, in the move's transaction (``edocs.moves``)."""
    from ecuapass.edocs import registry
    from ecuapass.edocs.moves import on_move
    from ecuapass.edocs.states import DocumentState

    from .dai import PermisoDeControlPrevio, descargar_dai, liberar_dai

    dai_type = registry.find("DAI")
    if dai_type is not None and PermisoDeControlPrevio not in dai_type.rules:
        dai_type.rules.append(PermisoDeControlPrevio)

    def on_dai_move(document, state) -> None:
        if state == DocumentState.ACEPTADO:
            descargar_dai(document)
        else:
            liberar_dai(document)

    on_move(
        doc_type="DAI",
        states=(DocumentState.ACEPTADO, DocumentState.ANULADO),
        handler=on_dai_move,
        uid="vue_descargo_dai",
    )


_wire_declarations()
