"""Mi página's "Seguridad de la cuenta" block: the second factor and the recovery codes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ecuapass.mipagina.blocks import Item


def security_rows(ctx):
    from ecuapass.officers import second_factor

    from . import recovery

    enabled = second_factor.confirmed_device(ctx.user) is not None
    items = [
        Item(
            label=_("Verificación en dos pasos: activada")
            if enabled
            else _("Verificación en dos pasos: desactivada"),
            url=reverse("seguridad:segundo_factor"),
            level="" if enabled else "warning",
        ),
        Item(
            label=_("Modificar información de registro"),
            url=reverse("registro_modificar:modificar"),
        ),
    ]
    if enabled:
        items.insert(
            1,
            Item(
                label=_("Códigos de recuperación disponibles: %(n)s")
                % {"n": recovery.remaining(ctx.user)},
                url=reverse("registro_modificar:recuperacion"),
            ),
        )
    return items[: ctx.limit]
