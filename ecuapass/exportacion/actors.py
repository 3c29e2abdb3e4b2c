"""The depósito temporal as a lifecycle actor: a user acting for the OCE code a DAE names."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecuapass.edocs.lifecycle import register_actor

from .states import DEPOSITO


def holds_deposito_of(user, edoc) -> bool:
    from ecuapass.accounts.context import usable_codes

    dae = getattr(edoc, "dae", None)
    if dae is None or not dae.deposito_codigo:
        return False
    return usable_codes(user).filter(code=dae.deposito_codigo).exists()


register_actor(DEPOSITO, _("Depósito temporal"), holds_deposito_of)
